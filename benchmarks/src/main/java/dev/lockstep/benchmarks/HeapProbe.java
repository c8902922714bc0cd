package dev.lockstep.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Path;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Scenario 5, in a JVM of its own per measurement: one tool's fresh apply, reporting the peak heap
 * still in use after a collection (the live set; run with a small young generation so collections
 * are frequent) and the bytes the migrating thread allocated.
 *
 * <p>Arguments: tool, set name, count, lockstep dir, flyway dir, liquibase changelog, JDBC URL,
 * user, password. Prints {@code HEAP <peak-live-bytes> <allocated-bytes>}.
 */
public final class HeapProbe {

    private HeapProbe() {
    }

    public static void main(String[] args) throws Exception {
        Benchmarks.quietLogging();
        MigrationSet set = new MigrationSet(args[1], Integer.parseInt(args[2]), Path.of(args[3]), Path.of(args[4]),
                Path.of(args[5]));
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(args[6]);
        dataSource.setUser(args[7]);
        dataSource.setPassword(args[8]);
        Tool tool = Tools.named(args[0]);

        LiveHeap heap = LiveHeap.watch();
        System.gc();
        long baseline = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long allocatedBefore = threads.getCurrentThreadAllocatedBytes();

        tool.migrate(dataSource, set);

        long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
        System.out.println("HEAP " + Math.max(0, heap.peakBytes() - baseline) + " " + allocated);
    }
}
