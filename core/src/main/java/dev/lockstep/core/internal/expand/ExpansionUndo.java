package dev.lockstep.core.internal.expand;

import dev.lockstep.core.MigrationVersion;
import dev.lockstep.core.internal.expand.ExpansionTable.Row;
import dev.lockstep.core.internal.tracker.Identifiers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The undo of an expanded migration, before its contract: Lockstep knows what its expand added, so
 * it needs no down file. The version schemas from its release on go first (their views show what is
 * removed), then, last change first: columns it added and the new-type columns with their trigger
 * and functions are dropped (the old column gets its default back), the constraints it added
 * {@code NOT VALID} are dropped; renames and drops were never done. A column whose {@code NOT NULL}
 * the expand dropped stays nullable: the new release may have written rows without it. A contracted
 * migration is undone by its own down, as any other.
 */
public final class ExpansionUndo {

    private ExpansionUndo() {
    }

    /** The SQL that removes what the expand of {@code version} added; empty when it is not expanded. */
    public static Optional<String> downSql(Connection connection, ExpansionTable table, MigrationVersion version)
            throws SQLException {
        List<Row> rows = table.expanded(connection).stream().filter(row -> row.migrationVersion().equals(version))
                .toList();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        List<String> sql = new ArrayList<>();
        List<String> views = ShapeViews.allViews(connection);
        if (!views.isEmpty()) {
            sql.add("DROP VIEW IF EXISTS " + String.join(", ", views)); // before the tables: see ShapeViews.dropViews
        }
        try (PreparedStatement s = connection.prepareStatement("SELECT nspname, obj_description(oid, 'pg_namespace') "
                + "FROM pg_namespace WHERE starts_with(nspname, ?) ORDER BY nspname")) {
            s.setString(1, VersionSchema.PREFIX);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String comment = rs.getString(2);
                    if (comment != null && comment.startsWith("lockstep release ") && MigrationVersion.parse(
                            comment.substring("lockstep release ".length())).compareTo(version) >= 0) {
                        sql.add("DROP SCHEMA IF EXISTS " + Identifiers.quote(rs.getString(1)) + " CASCADE");
                    }
                }
            }
        }
        for (int i = rows.size() - 1; i >= 0; i--) {
            Row row = rows.get(i);
            String qualified = Expansion.qualified(connection, row.relid());
            switch (row.kind()) {
                case ADD_COLUMN -> sql.add("ALTER TABLE " + qualified + " DROP COLUMN IF EXISTS "
                        + Identifiers.quote(row.name()));
                case SET_NOT_NULL, ADD_CONSTRAINT -> sql.add("ALTER TABLE " + qualified + " DROP CONSTRAINT IF EXISTS "
                        + Identifiers.quote(row.target().orElseThrow()));
                case ADD_UNIQUE -> sql.add("DROP INDEX IF EXISTS " + Expansion.schemaOf(connection, row.relid()) + "."
                        + Identifiers.quote(row.target().orElseThrow()));
                case CHANGE_TYPE -> {
                    Retype retype = Retype.of(Expansion.schemaOf(connection, row.relid()), row.target().orElseThrow(),
                            row.detail().orElse(";"));
                    sql.add("DROP TRIGGER IF EXISTS " + retype.trigger() + " ON " + qualified);
                    retype.oldDefault().ifPresent(d -> sql.add("ALTER TABLE " + qualified + " ALTER COLUMN "
                            + Identifiers.quote(row.name()) + " SET DEFAULT " + d));
                    sql.add("ALTER TABLE " + qualified + " DROP COLUMN IF EXISTS " + Identifiers.quote(retype.helper()));
                    sql.add("DROP FUNCTION IF EXISTS " + retype.sync() + ", " + retype.up() + ", " + retype.down());
                }
                default -> {
                    // a rename or a drop: never done before the contract
                }
            }
        }
        return Optional.of(String.join(";\n", sql) + ";\n");
    }

    /** Forgets the expansion of {@code version}, in the undo's transaction, and brings the version schemas in line. */
    public static void forget(Connection connection, ExpansionTable table, MigrationVersion version) throws SQLException {
        table.delete(connection, version.toString());
        ShapeViews.refresh(connection, table.expanded(connection), Optional.empty());
    }

}
