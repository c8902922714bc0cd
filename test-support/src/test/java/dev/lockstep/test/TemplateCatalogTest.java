package dev.lockstep.test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Each cause of a refused connection gets its own advice. */
class TemplateCatalogTest {

    @Test
    void aDatabaseThatDoesNotExistIsNamedAsTheOneThatMustExistNotAsAMissingPrivilege() {
        DatabaseServer tests = DatabaseServer.forTests();
        DatabaseServer missing = new DatabaseServer(
                tests.jdbcUrl().replaceFirst("/[^/?]+(\\?|$)", "/lockstep_no_such_database$1"), tests.user(),
                tests.password());

        assertThatThrownBy(() -> TemplateCatalog.serverFacts(missing)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("database \"lockstep_no_such_database\" does not exist [SQLState 3D000]. "
                        + "The database in the URL must exist: the test support creates its template databases and "
                        + "clones beside it on the same server, not that database itself.")
                .hasMessageNotContaining("CREATEDB");
    }
}
