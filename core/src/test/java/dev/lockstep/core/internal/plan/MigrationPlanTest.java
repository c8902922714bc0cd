package dev.lockstep.core.internal.plan;

import dev.lockstep.core.internal.files.FileFacts;
import dev.lockstep.core.internal.files.LoadedMigration;

import dev.lockstep.core.ChecksumPolicy;
import dev.lockstep.core.LockstepSettings;
import dev.lockstep.core.Migration;
import dev.lockstep.core.VersionsMode;
import dev.lockstep.core.internal.files.MigrationId;
import dev.lockstep.core.internal.tracker.AppliedRow;
import dev.lockstep.core.internal.tracker.RowState;
import dev.lockstep.core.internal.tracker.Tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Files against tracker rows, without a database: what the run applies and what {@code info()}
 * shows come from one classification, so they agree on every case here.
 */
class MigrationPlanTest {

    private final Tracker tracker = tracker();

    @Test
    void pendingOutOfOrderAppliedAndMissingAreTold() {
        List<LoadedMigration> disk = List.of(file(1, "a"), file(2, "b"), file(3, "c"), file(5, "e"));
        List<AppliedRow> rows = List.of(row(1, "a"), row(3, "c"), row(4, "d"));

        MigrationPlan plan = plan(disk, rows, ChecksumPolicy.FAIL, VersionsMode.UNIQUE);

        assertThat(plan.pending()).extracting(LoadedMigration::name).containsExactly("b", "e");
        assertThat(plan.outOfOrder()).extracting(LoadedMigration::name).containsExactly("b");
        assertThat(plan.alreadyApplied()).isEqualTo(2);
        assertThat(plan.missingFiles()).containsExactly("4_d");
        assertThat(states(disk, rows, VersionsMode.UNIQUE))
                .containsExactly("1_a:applied", "2_b:out-of-order", "3_c:applied", "4_d:missing-file", "5_e:pending");
    }

    @Test
    void aRunningRowIsNotTheNewestAppliedAndStopsTheRunWithBothFixes() {
        List<LoadedMigration> disk = List.of(file(1, "a"), file(2, "b"));
        List<AppliedRow> rows = List.of(new AppliedRow(new MigrationId(2, "b"), "sum-b", RowState.RUNNING,
                Instant.EPOCH, null, "runner@host"));

        assertThat(states(disk, rows, VersionsMode.UNIQUE)).containsExactly("1_a:pending", "2_b:running");
        assertThatThrownBy(() -> plan(disk, rows, ChecksumPolicy.FAIL, VersionsMode.UNIQUE))
                .hasMessageContaining("Migration 2_b was interrupted")
                .hasMessageContaining("SET state = 'applied' WHERE version = 2 AND name = 'b'")
                .hasMessageContaining("DELETE FROM \"app\".\"lockstep_applied_migrations\" WHERE version = 2 AND name = 'b'");
    }

    @Test
    void aChangedFileFailsWarnsOrIsIgnoredAsConfiguredAndShowsAsDrifted() {
        List<LoadedMigration> disk = List.of(file(1, "a", "new-sum"));
        List<AppliedRow> rows = List.of(row(1, "a"));

        assertThatThrownBy(() -> plan(disk, rows, ChecksumPolicy.FAIL, VersionsMode.UNIQUE))
                .hasMessageContaining("f/1_a.up.sql changed after it was applied (checksum sum-a applied, new-sum on disk)")
                .hasMessageContaining("SET checksum = 'new-sum'");
        assertThat(plan(disk, rows, ChecksumPolicy.WARN, VersionsMode.UNIQUE).driftWarnings()).singleElement()
                .asString().contains("f/1_a.up.sql changed");
        assertThat(plan(disk, rows, ChecksumPolicy.IGNORE, VersionsMode.UNIQUE).driftWarnings()).isEmpty();
        assertThat(states(disk, rows, VersionsMode.UNIQUE)).containsExactly("1_a:drifted");
    }

    @Test
    void aRowWithoutChecksumIsNotDrift() {
        List<LoadedMigration> disk = List.of(file(1, "a"));
        List<AppliedRow> rows = List.of(new AppliedRow(new MigrationId(1, "a"), null, RowState.APPLIED, Instant.EPOCH,
                1L, "x"));

        assertThat(plan(disk, rows, ChecksumPolicy.FAIL, VersionsMode.UNIQUE).alreadyApplied()).isEqualTo(1);
        assertThat(states(disk, rows, VersionsMode.UNIQUE)).containsExactly("1_a:applied");
    }

    @Test
    void aRenameIsAnErrorInUniqueModeAndTwoMigrationsInSharedMode() {
        List<LoadedMigration> disk = List.of(file(1, "users"));
        List<AppliedRow> rows = List.of(row(1, "create_users"));

        assertThatThrownBy(() -> plan(disk, rows, ChecksumPolicy.FAIL, VersionsMode.UNIQUE))
                .hasMessageContaining("Version 1 was applied as 'create_users' but the file on disk is f/1_users.up.sql")
                .hasMessageContaining("SET name = 'users' WHERE version = 1 AND name = 'create_users'");
        MigrationPlan shared = plan(disk, rows, ChecksumPolicy.FAIL, VersionsMode.SHARED);
        assertThat(shared.pending()).extracting(LoadedMigration::name).containsExactly("users");
        assertThat(shared.missingFiles()).containsExactly("1_create_users");
        assertThat(states(disk, rows, VersionsMode.SHARED)).containsExactly("1_create_users:missing-file", "1_users:pending");
    }

    @Test
    void everyProblemIsListedInOneError() {
        List<LoadedMigration> disk = List.of(file(1, "a", "changed"),
                file(2, "renamed"));
        List<AppliedRow> rows = List.of(row(1, "a"), row(2, "b"));

        assertThatThrownBy(() -> plan(disk, rows, ChecksumPolicy.FAIL, VersionsMode.UNIQUE))
                .hasMessageStartingWith("Nothing was applied: the tracker app.lockstep_applied_migrations does not match")
                .hasMessageContaining("1_a.up.sql changed")
                .hasMessageContaining("Version 2 was applied as 'b'");
    }

    private MigrationPlan plan(List<LoadedMigration> disk, List<AppliedRow> rows, ChecksumPolicy checksums,
            VersionsMode versions) {
        return MigrationPlan.build(disk, rows, versions, checksums, tracker);
    }

    private static List<String> states(List<LoadedMigration> disk, List<AppliedRow> rows, VersionsMode versions) {
        return MigrationInventory.of(disk, rows, versions).stream()
                .map(info -> info.version() + "_" + info.name() + ":" + info.state().label()).toList();
    }

    private static LoadedMigration file(long version, String name) {
        return file(version, name, "sum-" + name);
    }

    /** A migration known by its name and checksum; its statements are never read here. */
    private static LoadedMigration file(long version, String name, String checksum) {
        return new LoadedMigration(new MigrationId(version, name), "f/" + version + "_" + name + ".up.sql", checksum,
                FileFacts.of("SELECT 1"), Collections::emptyIterator, () -> "SELECT 1");
    }

    private static AppliedRow row(long version, String name) {
        return new AppliedRow(new MigrationId(version, name), "sum-" + name, RowState.APPLIED, Instant.EPOCH, 1L,
                "runner@host");
    }

    /** With a configured schema the tracker never asks the connection for its current schema. */
    private static Tracker tracker() {
        try {
            return Tracker.resolve(null, Optional.of("app"), LockstepSettings.TABLE.defaultValue().orElseThrow());
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}
