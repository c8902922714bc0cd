package dev.lockstep.core;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.ds.PGSimpleDataSource;

/** A fleet runner in a JVM of its own, for the test that kills it mid-fleet with SIGKILL. */
public final class FleetProcess {

    private FleetProcess() {
    }

    /** Arguments: JDBC URL, user, password, location, tenants query, parallelism. */
    public static void main(String[] args) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(args[0]);
        dataSource.setUser(args[1]);
        dataSource.setPassword(args[2]);
        LockstepFleet.configure(Lockstep.configure().dataSource(dataSource).locations(args[3]).runnerName("killed"))
                .tenantsQuery(args[4]).parallelism(Integer.parseInt(args[5])).load().migrate();
    }

    static Process start(String url, String user, String password, String location, String tenantsQuery,
            int parallelism, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), FleetProcess.class.getName(),
                url, user, password, location, tenantsQuery, String.valueOf(parallelism)));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
