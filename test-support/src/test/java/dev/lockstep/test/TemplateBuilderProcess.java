package dev.lockstep.test;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A test fork of its own: builds (or finds) the template, clones it and drops the clone; with a
 * pool, fills it and says how many clones this process has on the server before it exits.
 */
public final class TemplateBuilderProcess {

    private TemplateBuilderProcess() {
    }

    /** Arguments: JDBC URL, user, password, location, pool size. */
    public static void main(String[] args) throws SQLException {
        TemplateDatabase template = TemplateDatabase.builder().server(args[0], args[1], args[2]).locations(args[3])
                .poolSize(Integer.parseInt(args[4])).build();
        try (ClonedDatabase clone = template.newClone()) {
            System.out.println("cloned " + template.name() + " as " + clone.name());
        }
        template.fillPool();
        System.out.println("clones of this process at exit: " + clonesOf(template.server(), ProcessHandle.current().pid()));
    }

    static Process start(DatabaseServer server, String location, int poolSize, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), TemplateBuilderProcess.class.getName(),
                server.jdbcUrl(), server.user(), server.password(), location, String.valueOf(poolSize)));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Clones are named {@code lockstep_clone_<template>_<pid>_<n>}. */
    static List<String> clonesOf(DatabaseServer server, long pid) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = server.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT datname FROM pg_database WHERE datname ~ '^lockstep_clone_[0-9a-f]+_"
                        + pid + "_[0-9]+$' ORDER BY datname")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }
}
