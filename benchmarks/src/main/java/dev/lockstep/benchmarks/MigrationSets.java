package dev.lockstep.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes migration sets: generated ones of a given size that look like a real schema's history
 * (tables, columns, indexes, one in ten {@code CREATE INDEX CONCURRENTLY}, PL/pgSQL functions in
 * dollar quotes, data), or a copy of a folder of the user's, in every tool's layout.
 */
final class MigrationSets {

    private static final Pattern UP_FILE = Pattern.compile("(?:V(\\d+)__|(\\d+)_)(.+?)(?:\\.up)?\\.sql");

    private MigrationSets() {
    }

    static MigrationSet generate(Path root, int count) throws IOException {
        List<String> sqls = new ArrayList<>();
        int tables = 0;
        for (int i = 1; i <= count; i++) {
            int kind = i % 10;
            if (tables == 0 || kind == 0 || kind == 7) {
                tables++;
                String reference = tables > 1 && kind == 7 ? ",\n    parent_id bigint REFERENCES t" + (tables - 1) + " (id)" : "";
                sqls.add("CREATE TABLE t" + tables + " (\n    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n"
                        + "    name text NOT NULL,\n    created_at timestamptz NOT NULL DEFAULT now()" + reference + "\n);\n");
                continue;
            }
            String t = "t" + tables;
            sqls.add(switch (kind) {
                case 1 -> "ALTER TABLE " + t + " ADD COLUMN c" + i + " integer NOT NULL DEFAULT 0;\n";
                case 2 -> "CREATE INDEX " + t + "_name_" + i + "_idx ON " + t + " (name);\n";
                case 3 -> "INSERT INTO " + t + " (name) SELECT 'row ' || g FROM generate_series(1, 20) g;\n";
                case 4 -> "CREATE FUNCTION f" + i + "(p bigint) RETURNS bigint LANGUAGE plpgsql AS $fn$\nBEGIN\n"
                        + "    IF p < 0 THEN RAISE EXCEPTION 'negative; %', p; END IF;\n    RETURN p + " + i + ";\nEND;\n$fn$;\n";
                case 5 -> "CREATE INDEX CONCURRENTLY " + t + "_created_" + i + "_idx ON " + t + " (created_at);\n";
                case 6 -> "ALTER TABLE " + t + " ADD COLUMN note" + i + " text;\nCOMMENT ON COLUMN " + t + ".note" + i
                        + " IS 'free text; may hold ''quotes''';\n";
                case 8 -> "UPDATE " + t + " SET name = name || '!' WHERE id % 2 = 0;\n";
                default -> "CREATE VIEW v" + i + " AS SELECT id, name FROM " + t + ";\n";
            });
        }
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= sqls.size(); i++) {
            names.add("step_" + i);
        }
        return write(root.resolve("generated-" + count), String.valueOf(count), sqls, names);
    }

    /** The tables of {@link #tenant}, in the order its files create them. */
    static final List<String> TENANT_TABLES = List.of("customers", "orders", "invoices", "payments", "events");

    /**
     * One tenant's migrations for the fleet scenario: {@code count} small files, four per table
     * ({@code CREATE TABLE} with a few columns, {@code CREATE INDEX}, {@code ALTER TABLE ... ADD
     * COLUMN}, {@code INSERT}), every name unqualified, so each lands in the schema that runs it.
     * No {@code CONCURRENTLY}: every file runs in a transaction, with every tool's defaults.
     */
    static MigrationSet tenant(Path root, int count) throws IOException {
        List<String> sqls = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int round = i / (4 * TENANT_TABLES.size());
            String t = TENANT_TABLES.get((i / 4) % TENANT_TABLES.size()) + (round == 0 ? "" : "_" + round);
            switch (i % 4) {
                case 0 -> {
                    sqls.add("CREATE TABLE " + t + " (\n    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n"
                            + "    name text NOT NULL,\n    amount numeric(12, 2) NOT NULL DEFAULT 0,\n"
                            + "    created_at timestamptz NOT NULL DEFAULT now()\n);\n");
                    names.add("create_" + t);
                }
                case 1 -> {
                    sqls.add("CREATE INDEX " + t + "_name_idx ON " + t + " (name);\n");
                    names.add("index_" + t);
                }
                case 2 -> {
                    sqls.add("ALTER TABLE " + t + " ADD COLUMN note text;\n");
                    names.add("add_note_to_" + t);
                }
                default -> {
                    sqls.add("INSERT INTO " + t + " (name, amount) SELECT 'row ' || g, g FROM generate_series(1, 10) g;\n");
                    names.add("fill_" + t);
                }
            }
        }
        return write(root.resolve("tenant-" + count), "tenant-" + count, sqls, names);
    }

    /** Copies a folder of {@code <n>_<name>.up.sql} or {@code V<n>__<name>.sql} files into every layout. */
    static MigrationSet fromFolder(Path root, Path folder) throws IOException {
        return fromFolder(root, folder, folder.getFileName().toString());
    }

    /**
     * As {@link #fromFolder(Path, Path)}, named {@code name} in the results. Down migrations
     * ({@code .down.sql}) are left out: they undo, and would otherwise run right after their up.
     */
    static MigrationSet fromFolder(Path root, Path folder, String name) throws IOException {
        record Found(long version, String name, Path file) {
        }
        List<Found> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                String fileName = file.getFileName().toString();
                Matcher m = UP_FILE.matcher(fileName);
                if (m.matches() && !fileName.endsWith(".down.sql")) {
                    found.add(new Found(Long.parseLong(m.group(1) != null ? m.group(1) : m.group(2)), m.group(3), file));
                }
            }
        }
        found.sort((a, b) -> a.version() != b.version() ? Long.compare(a.version(), b.version()) : a.name().compareTo(b.name()));
        List<String> sqls = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Found f : found) {
            sqls.add(Files.readString(f.file()));
            names.add(f.name());
        }
        return write(root.resolve("folder-" + name), name, sqls, names);
    }

    /** Numbers the migrations 1..n in the order given; writes every tool's layout. */
    private static MigrationSet write(Path dir, String name, List<String> sqls, List<String> names) throws IOException {
        Path lockstep = Files.createDirectories(dir.resolve("lockstep"));
        Path flyway = Files.createDirectories(dir.resolve("flyway"));
        Path liquibase = Files.createDirectories(dir.resolve("liquibase"));
        StringBuilder changelog = new StringBuilder("""
                <?xml version="1.0" encoding="UTF-8"?>
                <databaseChangeLog logicalFilePath="lockstep-benchmark" xmlns="http://www.liquibase.org/xml/ns/dbchangelog"
                    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                    xsi:schemaLocation="http://www.liquibase.org/xml/ns/dbchangelog
                      http://www.liquibase.org/xml/ns/dbchangelog/dbchangelog-latest.xsd">
                """);
        for (int i = 0; i < sqls.size(); i++) {
            int version = i + 1;
            String sql = sqls.get(i);
            String file = String.format("%06d_%s", version, names.get(i));
            Files.writeString(lockstep.resolve(file + ".up.sql"), sql);
            Files.writeString(flyway.resolve("V" + version + "__" + names.get(i) + ".sql"), sql);
            Files.writeString(liquibase.resolve(file + ".sql"), sql);
            boolean transactional = !sql.contains("CONCURRENTLY");
            changelog.append("  <changeSet id=\"").append(version).append("\" author=\"bench\" runInTransaction=\"")
                    .append(transactional).append("\">\n    <sqlFile path=\"").append(file)
                    .append(".sql\" relativeToChangelogFile=\"true\" splitStatements=\"false\" stripComments=\"false\"/>\n")
                    .append("  </changeSet>\n");
        }
        changelog.append("</databaseChangeLog>\n");
        Path changelogFile = liquibase.resolve("changelog.xml");
        Files.writeString(changelogFile, changelog);
        return new MigrationSet(name, sqls.size(), lockstep, flyway, changelogFile);
    }
}
