/**
 * Internal: reading SQL, once. {@link dev.lockstep.core.internal.sql.SqlLexer} is the only code that
 * decides where strings, quoted identifiers, dollar quotes and comments begin and end;
 * {@link dev.lockstep.core.internal.sql.SqlSplitter} cuts statements from its tokens, and
 * {@link dev.lockstep.core.internal.sql.StatementAnalyzer} reads each statement's
 * {@link dev.lockstep.core.internal.sql.StatementFacts} from the same tokens: whether it must run
 * outside a transaction, whether it runs without the DDL {@code lock_timeout}, the lock it takes,
 * what it changes in the session ({@link dev.lockstep.core.internal.sql.SessionEffects}), whether it
 * opens or ends a transaction, and what it tells the lint
 * ({@link dev.lockstep.core.internal.sql.LintEvent}). Every other package reads those facts; none
 * reads SQL text. Pure logic: no connection.
 */
package dev.lockstep.core.internal.sql;
