package dev.lockstep.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Writes a history shaped like a Rust service's diesel migrations, renamed as golang-migrate files:
 * every file runs in a transaction; many are large, view definitions of joins and aggregates over
 * earlier tables, PL/pgSQL functions with dollar-quoted bodies and the triggers that call them
 * (diesel's {@code diesel_manage_updated_at} pattern), besides tables, added columns, indexes and
 * backfills; about a third end without a final {@code ;}, as diesel's CLI writes them. The same
 * files every run (a fixed seed).
 */
final class DieselSetFiles {

    static final int FILES = 342;
    private static final long SEED = 342L;

    private DieselSetFiles() {
    }

    /** Writes the files into {@code dir} (created) and returns it. */
    static Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Random random = new Random(SEED);
        List<String> tables = new ArrayList<>();
        List<String> views = new ArrayList<>();
        long stamp = 20_190_101_000_000L;
        for (int i = 0; i < FILES; i++) {
            stamp += 1 + random.nextInt(90_000);
            String name;
            String sql;
            int kind = tables.size() < 3 ? 0 : random.nextInt(10);
            switch (kind) {
                case 0, 1 -> {
                    name = "t" + tables.size();
                    sql = table(name, random);
                    tables.add(name);
                    name = "create_" + name;
                }
                case 2, 3 -> {
                    String view = "v" + views.size();
                    sql = view(view, tables, random);
                    views.add(view);
                    name = "create_view_" + view;
                }
                case 4, 5 -> {
                    String table = tables.get(random.nextInt(tables.size()));
                    sql = function(table, i, random);
                    name = "audit_" + table + "_" + i;
                }
                case 6 -> {
                    String table = tables.get(random.nextInt(tables.size()));
                    sql = "ALTER TABLE " + table + " ADD COLUMN extra_" + i + " text;\nALTER TABLE " + table
                            + " ADD COLUMN flag_" + i + " boolean NOT NULL DEFAULT false;\nCOMMENT ON COLUMN " + table
                            + ".extra_" + i + " IS 'added in migration " + i + "'";
                    name = "add_extra_" + i + "_to_" + table;
                }
                case 7 -> {
                    String table = tables.get(random.nextInt(tables.size()));
                    sql = "CREATE INDEX " + table + "_idx_" + i + " ON " + table + " (created_at, id)";
                    name = "index_" + table + "_" + i;
                }
                default -> {
                    String table = tables.get(random.nextInt(tables.size()));
                    sql = "INSERT INTO " + table + " (name, amount)\nSELECT 'seed ' || g, g * 1.5\n"
                            + "FROM generate_series(1, " + (20 + random.nextInt(200)) + ") AS g;\nUPDATE " + table
                            + " SET updated_at = created_at WHERE updated_at IS NULL";
                    name = "seed_" + table + "_" + i;
                }
            }
            // diesel's CLI leaves the last statement without a ';' in a third of the files.
            String text = "-- Your SQL goes here\n" + sql + (random.nextInt(3) == 0 ? "\n" : ";\n");
            Files.writeString(dir.resolve(stamp + "_" + name + ".up.sql"), text);
        }
        return dir;
    }

    private static String table(String name, Random random) {
        StringBuilder sql = new StringBuilder("CREATE TABLE ").append(name).append(" (\n")
                .append("    id BIGSERIAL PRIMARY KEY,\n    name TEXT NOT NULL,\n    amount NUMERIC(12, 2),\n")
                .append("    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),\n    updated_at TIMESTAMPTZ");
        for (int c = 0, n = 2 + random.nextInt(8); c < n; c++) {
            sql.append(",\n    c").append(c).append(c % 3 == 0 ? " TEXT" : c % 3 == 1 ? " INTEGER" : " JSONB");
        }
        sql.append("\n);\nSELECT diesel_manage_updated_at('").append(name).append("')");
        if (name.equals("t0")) {
            return DIESEL_SETUP + sql;
        }
        return sql.toString();
    }

    private static String view(String view, List<String> tables, Random random) {
        String a = tables.get(random.nextInt(tables.size()));
        String b = tables.get(random.nextInt(tables.size()));
        StringBuilder sql = new StringBuilder("CREATE OR REPLACE VIEW ").append(view).append(" AS\n")
                .append("SELECT a.id,\n       a.name,\n       a.created_at,\n");
        for (int c = 0, n = 6 + random.nextInt(24); c < n; c++) {
            sql.append(String.format(Locale.ROOT, "       CASE WHEN a.amount > %d THEN 'tier_%d' ELSE "
                    + "coalesce(b.name, 'none') END AS tier_%d,%n", c * 10, c, c));
        }
        sql.append("       count(b.id) OVER (PARTITION BY a.name) AS related,\n")
                .append("       sum(coalesce(b.amount, 0)) OVER (PARTITION BY a.name ORDER BY a.created_at) AS "
                        + "running_total\n")
                .append("FROM ").append(a).append(" a\nLEFT JOIN ").append(b)
                .append(" b ON b.name = a.name AND b.created_at >= a.created_at - interval '30 days'\n")
                .append("WHERE a.name NOT LIKE '%;%' -- a ';' inside a string\n");
        return sql.toString();
    }

    private static String function(String table, int i, Random random) {
        StringBuilder body = new StringBuilder();
        for (int line = 0, n = 10 + random.nextInt(40); line < n; line++) {
            body.append("        IF NEW.amount IS NOT NULL AND NEW.amount > ").append(line * 7)
                    .append(" THEN\n            NEW.c0 := coalesce(NEW.c0, '") .append("level ").append(line)
                    .append("; checked');\n        END IF;\n");
        }
        String function = "audit_" + table + "_" + i;
        return "CREATE OR REPLACE FUNCTION " + function + "() RETURNS trigger AS $body$\n    BEGIN\n" + body
                + "        RETURN NEW;\n    END;\n$body$ LANGUAGE plpgsql;\n\nCREATE TRIGGER " + function
                + "_trigger BEFORE INSERT OR UPDATE ON " + table + "\n    FOR EACH ROW EXECUTE FUNCTION " + function
                + "()";
    }

    /** What diesel's first migration creates: the function every table's trigger uses. */
    private static final String DIESEL_SETUP = """
            CREATE OR REPLACE FUNCTION diesel_manage_updated_at(_tbl regclass) RETURNS VOID AS $$
            BEGIN
                EXECUTE format('CREATE TRIGGER set_updated_at BEFORE UPDATE ON %s
                                FOR EACH ROW EXECUTE PROCEDURE diesel_set_updated_at()', _tbl);
            END;
            $$ LANGUAGE plpgsql;

            CREATE OR REPLACE FUNCTION diesel_set_updated_at() RETURNS trigger AS $$
            BEGIN
                IF (
                    NEW IS DISTINCT FROM OLD AND
                    NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at
                ) THEN
                    NEW.updated_at := current_timestamp;
                END IF;
                RETURN NEW;
            END;
            $$ LANGUAGE plpgsql;

            """;
}
