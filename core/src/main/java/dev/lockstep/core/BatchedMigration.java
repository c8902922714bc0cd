package dev.lockstep.core;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The Java form of a batched migration, for what one statement cannot say: a file
 * {@code -- lockstep:batched table=<table> key=<column> class=<this class>} with no statement
 * declares the job, and each batch calls {@link #apply} inside the batch's transaction, which
 * commits together with the job's progress. The class needs a public constructor without arguments
 * and is loaded with the engine's class loader.
 */
public interface BatchedMigration {

    /**
     * Does the rows whose key is at least {@code from} and less than {@code to}, on
     * {@code connection}, in the batch's transaction: do not commit, roll back or change autocommit.
     *
     * @return how many rows it changed, for the job's progress
     */
    long apply(Connection connection, long from, long to) throws SQLException;
}
