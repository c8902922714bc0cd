package dev.lockstep.benchmarks;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * Writes the SQL of the real-set shape: what a public project's migration history looks like
 * after a few years, rather than {@link MigrationSets#generate}'s even mix. Dates as versions, one
 * to four files a date; about a third of the files a single {@code CREATE INDEX CONCURRENTLY},
 * added one at a time as the tables grew; re-runnable PL/pgSQL {@code DO} blocks (an enum type
 * if missing, a column if missing, seed rows in a loop); a comment header on every file and block
 * comments on some; tables, added columns, inserts and backfills.
 *
 * <p>Files that share a date touch only what earlier dates created, so their order among
 * themselves changes nothing in the schema; the floor still runs them in Lockstep's order. The
 * same files every run: {@link Random} with a fixed seed is specified to give the same sequence
 * on every JVM.
 */
final class RealSetFiles {

    private static final long SEED = 432L;
    private static final List<String> NOUNS = List.of("accounts", "users", "teams", "projects", "invoices",
            "payments", "orders", "line_items", "products", "prices", "subscriptions", "events", "webhooks",
            "api_keys", "audit_log", "sessions", "notifications", "comments", "attachments", "tags", "regions",
            "warehouses", "shipments", "refunds");
    private static final List<String> COLUMNS = List.of("status", "email", "external_id", "updated_at",
            "deleted_at", "owner_id", "priority", "score", "locale", "source", "reference", "archived_at", "note",
            "kind", "revision", "checksum");

    /** A table as later files see it: columns they may index, and what the current date adds. */
    private static final class Table {
        final String name;
        final List<String> columns = new ArrayList<>();
        final List<String> adding = new ArrayList<>();
        final Set<String> indexed = new HashSet<>();
        int nextColumn;

        Table(String name) {
            this.name = name;
        }

        /** A column name no file has used on this table yet. */
        String newColumn(int file) {
            String column = nextColumn < COLUMNS.size() ? COLUMNS.get(nextColumn) : "attr_" + file + "_" + nextColumn;
            nextColumn++;
            adding.add(column);
            return column;
        }

        /** Once a date's files are written, what they added is there for later dates. */
        void settle() {
            columns.addAll(adding);
            adding.clear();
        }
    }

    private final Random random = new Random(SEED);
    /** Tables created on earlier dates. */
    private final List<Table> tables = new ArrayList<>();
    private final Set<String> types = new HashSet<>();
    private final List<RealSet.File> files = new ArrayList<>();
    private int tablesCreated;

    private RealSetFiles() {
    }

    /** {@code count} files, sorted as Lockstep sorts them: version, then name. */
    static List<RealSet.File> generate(int count) {
        return new RealSetFiles().all(count);
    }

    private List<RealSet.File> all(int count) {
        LocalDate day = LocalDate.of(2019, 1, 7);
        while (files.size() < count) {
            long version = Long.parseLong(day.format(DateTimeFormatter.BASIC_ISO_DATE));
            int onThisDate = Math.min(filesOnADate(), count - files.size());
            Set<String> names = new HashSet<>();
            List<Table> created = new ArrayList<>();
            for (int k = 0; k < onThisDate; k++) {
                int n = files.size() + 1;
                Written written = next(n, created);
                String name = names.add(written.name()) ? written.name() : written.name() + "_" + n;
                names.add(name);
                files.add(new RealSet.File(version, name, written.sql(), written.concurrently()));
            }
            tables.forEach(Table::settle);
            created.forEach(Table::settle);
            tables.addAll(created);
            day = day.plusDays(1 + random.nextInt(9));
        }
        files.sort(Comparator.comparingLong(RealSet.File::version).thenComparing(RealSet.File::name));
        return List.copyOf(files);
    }

    private record Written(String name, String sql, boolean concurrently) {
        Written(String name, String sql) {
            this(name, sql, false);
        }
    }

    /** Mostly one file a date, sometimes up to four, as when several branches merge on one day. */
    private int filesOnADate() {
        int r = random.nextInt(100);
        return r < 55 ? 1 : r < 80 ? 2 : r < 92 ? 3 : 4;
    }

    private Written next(int n, List<Table> created) {
        if (n % 3 == 0) {
            Optional<Written> index = concurrentIndex(n);
            if (index.isPresent()) {
                return index.get();
            }
        }
        int r = random.nextInt(100);
        if (tables.isEmpty() || r < 20) {
            return createTable(n, created);
        }
        if (r < 45) {
            return addColumns(n);
        }
        if (r < 62) {
            return doBlock(n);
        }
        if (r < 82) {
            return insert(n);
        }
        return addAndBackfill(n);
    }

    /** A column of an earlier date's table that has no index yet; empty when there is none (early on). */
    private Optional<Written> concurrentIndex(int n) {
        int from = tables.isEmpty() ? 0 : random.nextInt(tables.size());
        for (int i = 0; i < tables.size(); i++) {
            Table table = tables.get((from + i) % tables.size());
            for (String column : table.columns) {
                if (table.indexed.add(column)) {
                    String index = table.name + "_" + column + "_idx";
                    boolean partial = table.columns.contains("deleted_at") && !column.equals("deleted_at");
                    boolean withTime = n % 4 == 0 && !column.equals("created_at");
                    String sql = "-- Index " + table.name + "." + column + " for the list and search pages.\n"
                            + "-- CONCURRENTLY: the table takes writes all day, and a plain build would block them.\n"
                            + "CREATE INDEX CONCURRENTLY " + (n % 5 == 0 ? "IF NOT EXISTS " : "") + index + " ON "
                            + table.name + " (" + column + (withTime ? ", created_at" : "") + ")"
                            + (partial ? " WHERE deleted_at IS NULL" : "") + ";\n";
                    return Optional.of(new Written("index_" + table.name + "_on_" + column, sql, true));
                }
            }
        }
        return Optional.empty();
    }

    private Written createTable(int n, List<Table> created) {
        String name = NOUNS.get(tablesCreated % NOUNS.size())
                + (tablesCreated >= NOUNS.size() ? "_" + (tablesCreated / NOUNS.size() + 1) : "");
        tablesCreated++;
        Table table = new Table(name);
        Table parent = tables.isEmpty() || random.nextBoolean() ? null : pick();
        StringBuilder sql = new StringBuilder("-- " + name + ": one row per " + name.replace('_', ' ') + ".\n");
        if (n % 4 == 0) {
            sql.append("/*\n * Ids are identities, not serials: no sequence to grant separately.\n"
                    + " * payload holds what the API received, for support.\n */\n");
        }
        sql.append("CREATE TABLE ").append(name).append(" (\n")
                .append("    id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n")
                .append("    name text NOT NULL,\n");
        if (parent != null) {
            sql.append("    ").append(parent.name).append("_id bigint REFERENCES ").append(parent.name)
                    .append(" (id), -- nullable: filled in by a later backfill\n");
            table.adding.add(parent.name + "_id");
        }
        sql.append("    payload jsonb NOT NULL DEFAULT '{}'::jsonb,\n")
                .append("    created_at timestamptz NOT NULL DEFAULT now()\n);\n");
        table.adding.add("name");
        table.adding.add("created_at");
        if (random.nextBoolean()) {
            // A new table is empty: a plain build locks nothing anyone uses yet.
            sql.append("CREATE INDEX ").append(name).append("_name_idx ON ").append(name).append(" (name);\n");
            table.indexed.add("name");
        }
        created.add(table);
        return new Written("create_" + name, sql.toString());
    }

    private Written addColumns(int n) {
        Table table = pick();
        String first = table.newColumn(n);
        String sql = "-- Adds " + first + " to " + table.name + ".\nALTER TABLE " + table.name + " ADD COLUMN "
                + first + " " + type(first);
        if (n % 2 == 0) {
            String second = table.newColumn(n);
            sql += ",\n    ADD COLUMN " + second + " " + type(second);
        }
        return new Written("add_" + first + "_to_" + table.name, sql + ";\n");
    }

    private Written doBlock(int n) {
        Table table = pick();
        return switch (random.nextInt(3)) {
            case 0 -> enumTypeIfMissing(table, n);
            case 1 -> columnIfMissing(table, n);
            default -> seedInALoop(table, n);
        };
    }

    private Written enumTypeIfMissing(Table table, int n) {
        String type = types.add(table.name + "_state") ? table.name + "_state" : "state_" + n;
        types.add(type);
        return new Written("create_type_" + type, "-- Re-runnable: CREATE TYPE has no IF NOT EXISTS.\n"
                + "DO $$\nBEGIN\n    IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = '" + type + "') THEN\n"
                + "        CREATE TYPE " + type + " AS ENUM ('pending', 'active', 'suspended', 'closed');\n"
                + "    END IF;\nEND\n$$;\n");
    }

    private Written columnIfMissing(Table table, int n) {
        String column = table.newColumn(n);
        return new Written("add_" + column + "_to_" + table.name + "_if_missing", "-- Some installs added " + column
                + " by hand before this migration existed.\nDO $$\nBEGIN\n    IF NOT EXISTS (\n"
                + "        SELECT 1 FROM information_schema.columns\n        WHERE table_schema = current_schema() "
                + "AND table_name = '" + table.name + "' AND column_name = '" + column + "'\n    ) THEN\n"
                + "        ALTER TABLE " + table.name + " ADD COLUMN " + column + " " + type(column) + ";\n"
                + "    END IF;\nEND $$;\n");
    }

    private Written seedInALoop(Table table, int n) {
        return new Written("seed_" + table.name + "_in_a_loop", "/* Seed rows the demo environment expects. */\n"
                + "DO $$\nDECLARE\n    i integer;\nBEGIN\n    FOR i IN 1.." + (5 + n % 20) + " LOOP\n"
                + "        INSERT INTO " + table.name + " (name) VALUES (format('seed %s', i));\n"
                + "    END LOOP;\nEND $$;\n");
    }

    private Written insert(int n) {
        Table table = pick();
        String sql = n % 2 == 0
                ? "-- Reference rows.\nINSERT INTO " + table.name + " (name) VALUES\n    ('alpha'),\n    ('beta'),\n"
                        + "    ('gamma'),\n    ('delta');\n"
                : "-- Rows the reports need from day one.\nINSERT INTO " + table.name + " (name)\nSELECT 'row ' || g "
                        + "FROM generate_series(1, " + (10 + n % 40) + ") AS g;\n";
        return new Written("insert_into_" + table.name, sql);
    }

    private Written addAndBackfill(int n) {
        Table table = pick();
        String column = table.newColumn(n);
        String sql = "-- " + column + " for " + table.name + ", existing rows filled in.\n"
                + (n % 7 == 0 ? "/* Ticket PLAT-" + n + ". */\n" : "")
                + "ALTER TABLE " + table.name + " ADD COLUMN " + column + " text;\n"
                + "UPDATE " + table.name + " SET " + column + " = 'legacy' WHERE " + column + " IS NULL;\n";
        return new Written("backfill_" + table.name + "_" + column, sql);
    }

    private Table pick() {
        return tables.get(random.nextInt(tables.size()));
    }

    private static String type(String column) {
        return switch (column) {
            case "status" -> "text NOT NULL DEFAULT 'active'";
            case "external_id" -> "uuid";
            case "updated_at", "deleted_at", "archived_at" -> "timestamptz";
            case "owner_id" -> "bigint";
            case "priority", "revision" -> "integer NOT NULL DEFAULT 0";
            case "score" -> "numeric(10, 2)";
            case "locale" -> "text NOT NULL DEFAULT 'en'";
            case "checksum" -> "bytea";
            default -> "text";
        };
    }
}
