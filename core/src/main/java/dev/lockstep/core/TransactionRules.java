package dev.lockstep.core;

import java.util.List;
import java.util.Set;

/**
 * Knows which statements PostgreSQL refuses to run inside a transaction block, so a migration
 * holding one runs in autocommit without the author having to say so.
 */
final class TransactionRules {

    /** The words that may follow CLUSTER or REINDEX as options: {@code (VERBOSE)}, {@code (VERBOSE true)}. */
    private static final Set<String> OPTION_WORDS = Set.of("VERBOSE", "TRUE", "FALSE", "ON", "OFF");

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
                return reindexTarget(w);
            case "CLUSTER":
                // Without a table CLUSTER re-clusters every table it clustered before, one transaction each.
                return OPTION_WORDS.containsAll(w.subList(1, w.size())) ? "CLUSTER without a table" : null;
            case "VACUUM":
                return "VACUUM";
            case "ALTER":
                if (statement.startsWith("ALTER", "SYSTEM")) {
                    return "ALTER SYSTEM";
                }
                if (statement.startsWith("ALTER", "DATABASE") && w.size() >= 5 && w.get(3).equals("SET")
                        && w.get(4).equals("TABLESPACE")) {
                    return "ALTER DATABASE ... SET TABLESPACE";
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

    /**
     * {@code REINDEX SCHEMA/DATABASE/SYSTEM} each run one transaction per table; {@code INDEX} and
     * {@code TABLE} may run in a transaction. The kind is the first word after the options.
     */
    private static String reindexTarget(List<String> w) {
        for (int i = 1; i < w.size(); i++) {
            String word = w.get(i);
            if (word.equals("TABLESPACE")) {
                i++; // (TABLESPACE name)
                continue;
            }
            if (OPTION_WORDS.contains(word)) {
                continue;
            }
            return switch (word) {
                case "SCHEMA", "DATABASE", "SYSTEM" -> "REINDEX " + word;
                default -> null;
            };
        }
        return null;
    }

    /**
     * Whether the statement leaves a transaction block open: BEGIN, START TRANSACTION, and a
     * COMMIT or ROLLBACK ... AND CHAIN, which ends one and starts the next at once.
     */
    static boolean opensTransaction(SqlStatement statement) {
        if (statement.startsWith("BEGIN") || statement.startsWith("START", "TRANSACTION")) {
            return true;
        }
        int chain = statement.words().indexOf("CHAIN");
        return isTransactionControl(statement) && chain > 0 && statement.words().get(chain - 1).equals("AND");
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
