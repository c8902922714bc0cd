package dev.lockstep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.test.TestPostgres;
import dev.lockstep.test.TestSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The command line run as a process of its own, as a job or a person runs it. */
final class CliProcess {

    /**
     * @param exitCode the process's exit status
     * @param out what it printed to standard output
     * @param err what it printed to standard error
     */
    record Result(int exitCode, String out, String err) {
    }

    private CliProcess() {
    }

    /** {@code java -cp <this test's classpath> LockstepCli args}, with these environment variables added. */
    static Result run(Path workDir, Map<String, String> environment, String... args) throws Exception {
        return runWithInput(workDir, "", environment, args);
    }

    /** The same, with {@code input} on its standard input (an operator's answer). */
    static Result runWithInput(Path workDir, String input, Map<String, String> environment, String... args)
            throws Exception {
        List<String> command = new ArrayList<>(List.of(java(), "-cp", System.getProperty("java.class.path"),
                LockstepCli.class.getName()));
        command.addAll(List.of(args));
        return start(workDir, input, environment, command);
    }

    /** {@code java -jar <jar> args}. */
    static Result runJar(Path jar, Path workDir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(java(), "-jar", jar.toString()));
        command.addAll(List.of(args));
        return start(workDir, "", Map.of(), command);
    }

    /** The settings that point the command at a test schema. */
    static List<String> database(TestSchema schema) {
        TestPostgres server = TestPostgres.get();
        return List.of("--url=" + schema.jdbcUrl(), "--user=" + server.user(), "--password=" + server.password());
    }

    private static Result start(Path workDir, String input, Map<String, String> environment, List<String> command)
            throws Exception {
        Path in = Files.writeString(Files.createTempFile(workDir, "in", ".txt"), input);
        Path out = Files.createTempFile(workDir, "out", ".txt");
        Path err = Files.createTempFile(workDir, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectInput(in.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("LOCKSTEP_") && !name.startsWith("LOCKSTEP_TEST"));
        builder.environment().putAll(environment);
        Process process = builder.start();
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("the command ended").isTrue();
        return new Result(process.exitValue(), read(out), read(err));
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }
}
