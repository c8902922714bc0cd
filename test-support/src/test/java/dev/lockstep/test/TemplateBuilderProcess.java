package dev.lockstep.test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A test fork of its own: builds (or finds) the template, clones it and drops the clone. */
public final class TemplateBuilderProcess {

    private TemplateBuilderProcess() {
    }

    /** Arguments: JDBC URL, user, password, location. */
    public static void main(String[] args) {
        TemplateDatabase template = TemplateDatabase.builder().server(args[0], args[1], args[2]).locations(args[3])
                .build();
        try (ClonedDatabase clone = template.newClone()) {
            System.out.println("cloned " + template.name() + " as " + clone.name());
        }
    }

    static Process start(DatabaseServer server, String location, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), TemplateBuilderProcess.class.getName(),
                server.jdbcUrl(), server.user(), server.password(), location));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
