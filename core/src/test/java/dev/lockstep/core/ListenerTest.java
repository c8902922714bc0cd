package dev.lockstep.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ListenerTest extends SchemaTestBase {

    @Test
    void listenersHearEveryEventInOrder() {
        files.add("1_a.up.sql", "CREATE TABLE a (id int);").add("2_b.up.sql", "CREATE TABLE b (id int);");
        List<String> events = new CopyOnWriteArrayList<>();

        configure().listener(new Recording(events)).load().migrate();

        assertThat(events).containsExactly("runStarted 2", "lockAcquired", "pendingResolved 2/0",
                "migrationStarted 1/2 a", "migrationApplied a", "migrationStarted 2/2 b", "migrationApplied b",
                "runFinished 2");
    }

    @Test
    void aListenerThatThrowsNeverFailsTheRun() {
        files.add("1_a.up.sql", "CREATE TABLE a (id int);");
        LockstepListener broken = new LockstepListener() {
            @Override
            public void migrationApplied(Migration migration, Duration took) {
                throw new IllegalStateException("metrics backend down");
            }

            @Override
            public void runFinished(MigrationReport report) {
                throw new IllegalStateException("health store down");
            }
        };
        List<String> events = new CopyOnWriteArrayList<>();

        MigrationReport report = configure().listener(broken).listener(new Recording(events)).load().migrate();

        assertThat(report.applied()).hasSize(1);
        assertThat(events).contains("migrationApplied a", "runFinished 1");
    }

    private record Recording(List<String> events) implements LockstepListener {
        @Override
        public void runStarted(List<Migration> onDisk) {
            events.add("runStarted " + onDisk.size());
        }

        @Override
        public void lockAcquired(Duration waited) {
            events.add("lockAcquired");
        }

        @Override
        public void pendingResolved(List<Migration> pending, int alreadyApplied) {
            events.add("pendingResolved " + pending.size() + "/" + alreadyApplied);
        }

        @Override
        public void migrationStarted(Migration migration, int index, int total) {
            events.add("migrationStarted " + index + "/" + total + " " + migration.name());
        }

        @Override
        public void migrationApplied(Migration migration, Duration took) {
            events.add("migrationApplied " + migration.name());
        }

        @Override
        public void runFinished(MigrationReport report) {
            events.add("runFinished " + report.applied().size());
        }
    }
}
