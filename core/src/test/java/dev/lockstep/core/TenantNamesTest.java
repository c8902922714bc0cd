package dev.lockstep.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockstep.test.TestPostgres;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Names that cannot be tenants are refused before any tenant runs, each named with why: nothing of
 * PostgreSQL's own, no template database, no NULL, and no name SQL must quote (the files get
 * {@code ${schema}} as written, and PostgreSQL folds {@code Beta} into another tenant's {@code beta}).
 */
class TenantNamesTest extends SchemaTestBase {

    @TempDir
    Path tenantFiles;

    private MigrationDir tenantMigrations;

    @BeforeEach
    void tenantFiles() {
        tenantMigrations = new MigrationDir(tenantFiles)
                .add("1_t.up.sql", "CREATE TABLE ${schema}.t (id int);");
    }

    @AfterEach
    void dropTenants() {
        Sql.execute(schema, "DROP SCHEMA IF EXISTS " + schema.name() + "_beta CASCADE");
    }

    private FleetConfiguration fleet() {
        return LockstepFleet.configure(Lockstep.configure().dataSource(schema.dataSource())
                .locations(tenantMigrations.location()));
    }

    @Test
    void aQueryThatReturnsSystemSchemasPublicANullAndAnEmptyNameMigratesNoTenant() {
        LockstepFleet fleet = fleet().tenantsQuery("SELECT unnest(ARRAY['public', 'information_schema', 'pg_toast', "
                + "NULL, '', '" + schema.name() + "_beta'])").load();

        assertThatThrownBy(fleet::migrate)
                .isInstanceOf(LockstepException.class)
                .hasMessageContaining("the query gave 5 name(s) that cannot be tenants, so nothing ran in any tenant")
                .hasMessageContaining("'public' is the database's default schema")
                .hasMessageContaining("'information_schema' is one of PostgreSQL's own schemas")
                .hasMessageContaining("'pg_toast' is one of PostgreSQL's own schemas")
                .hasMessageContaining("tenant 4 of 6 is NULL")
                .hasMessageContaining("tenant 5 of 6 is empty");
        assertThat(Sql.value(schema, "SELECT to_regnamespace('" + schema.name() + "_beta')"))
                .as("not even the good one ran").isNull();
        assertThat(Sql.value(schema, "SELECT to_regclass('information_schema.lockstep_applied_migrations')")).isNull();
    }

    @Test
    void aNameSqlMustQuoteIsRefusedSoItsFilesCannotWriteIntoAnotherTenant() {
        Sql.execute(schema, "CREATE SCHEMA " + schema.name() + "_beta");
        String upper = schema.name().toUpperCase() + "_BETA";
        LockstepFleet fleet = fleet().tenants(List.of(upper)).load();

        assertThatThrownBy(fleet::migrate)
                .hasMessageContaining("'" + upper + "' must be quoted in SQL")
                .hasMessageContaining("fold an unquoted " + upper + " to " + schema.name() + "_beta");
        assertThat(Sql.value(schema, "SELECT to_regclass('" + schema.name() + "_beta.t')"))
                .as("nothing written into the schema it folds to").isNull();
        LockstepFleet keyword = fleet().tenants(List.of("select")).load();
        assertThatThrownBy(keyword::tenantNames).hasMessageContaining("'select' must be quoted in SQL");
    }

    @Test
    void templateDatabasesAreNeverDatabaseTenants() {
        tenantMigrations.add("1_t.up.sql", "CREATE TABLE t (id int);");
        LockstepFleet fleet = fleet().tenants(Arrays.asList("template1", "template0"))
                .databasePerTenant(TestPostgres.get().jdbcUrl().replaceFirst("/[^/?]+(\\?|$)", "/\\${tenant}$1"),
                        TestPostgres.get().user(), TestPostgres.get().password())
                .load();

        assertThatThrownBy(fleet::migrate)
                .hasMessageContaining("'template1' is a template database or takes no connections")
                .hasMessageContaining("'template0' is a template database");
    }

    @Test
    void aRefusedLoginIsSaidAsOneNotBlamedOnTheTenantsQuery() {
        PGSimpleDataSource nobody = (PGSimpleDataSource) schema.dataSource();
        nobody.setUser("no_such_role_" + schema.name());
        LockstepFleet fleet = LockstepFleet.configure(Lockstep.configure().dataSource(nobody)
                .locations(tenantMigrations.location())).tenantsQuery("SELECT 'a'").load();

        assertThatThrownBy(fleet::migrate)
                .hasMessageContaining("could not connect to its database to read and check its tenants")
                .hasMessageContaining("Check the user name and password")
                .hasMessageNotContaining("the tenants query failed");
    }
}
