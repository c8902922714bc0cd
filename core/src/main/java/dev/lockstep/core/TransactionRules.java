package dev.lockstep.core;

import java.util.List;

/**
 * Knows which statements PostgreSQL refuses to run inside a transaction block, so a migration
 * holding one runs in autocommit without the author having to say so.
 */
final class TransactionRules {

    private TransactionRules() {
    }

    /**
     * What makes this statement impossible inside a transaction, e.g. {@code "CREATE INDEX
     * CONCURRENTLY"}, or {@code null} when it can run in one.
     */
    static String nonTransactionalReason(SqlStatement statement) {
        List<String> w = statement.words();
        if (w.isEmpty()) {
            return null;
        }
        switch (w.get(0)) {
            case "CREATE":
                if (statement.startsWith("CREATE", "INDEX", "CONCURRENTLY")
                        || statement.startsWith("CREATE", "UNIQUE", "INDEX", "CONCURRENTLY")) {
                    return "CREATE INDEX CONCURRENTLY";
                }
                return oneOf(statement, "CREATE", "DATABASE", "TABLESPACE", "SUBSCRIPTION");
            case "DROP":
                if (statement.startsWith("DROP", "INDEX", "CONCURRENTLY")) {
                    return "DROP INDEX CONCURRENTLY";
                }
                return oneOf(statement, "DROP", "DATABASE", "TABLESPACE", "SUBSCRIPTION");
            case "REINDEX":
                if (w.contains("CONCURRENTLY")) {
                    return "REINDEX CONCURRENTLY";
                }
                return w.contains("DATABASE") || w.contains("SYSTEM") ? "REINDEX DATABASE/SYSTEM" : null;
            case "VACUUM":
                return "VACUUM";
            case "ALTER":
                if (statement.startsWith("ALTER", "SYSTEM")) {
                    return "ALTER SYSTEM";
                }
                if (statement.startsWith("ALTER", "TABLE") && w.contains("DETACH")
                        && (w.contains("CONCURRENTLY") || w.contains("FINALIZE"))) {
                    return "ALTER TABLE ... DETACH PARTITION CONCURRENTLY";
                }
                return null;
            default:
                return null;
        }
    }

    /** Whether the statement opens or ends a transaction itself. */
    static boolean isTransactionControl(SqlStatement statement) {
        return statement.startsWith("BEGIN") || statement.startsWith("START", "TRANSACTION")
                || statement.startsWith("COMMIT") || statement.startsWith("END")
                || (statement.startsWith("ROLLBACK") && !statement.startsWith("ROLLBACK", "TO"))
                || statement.startsWith("ABORT");
    }

    private static String oneOf(SqlStatement statement, String verb, String... objects) {
        for (String object : objects) {
            if (statement.startsWith(verb, object)) {
                return verb + " " + object;
            }
        }
        return null;
    }
}
