package dev.lockstep.benchmarks;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * The least a Java client does to apply the same files, in a JVM of its own: one connection
 * through the same driver, each file's text sent as it is with one {@code Statement.execute} in
 * autocommit, as {@code psql} runs them. No analysis, no tracker, no lock, no log. What is left
 * between this and {@code psql} is the JVM's, cold (starting, loading classes, compiling on the
 * same cores as the server); what is left between Lockstep and this is Lockstep's.
 *
 * <p>Arguments: JDBC URL, user, password, the driver file {@link PsqlFloor#writeDriver} wrote
 * (its {@code \i} lines give the files in Lockstep's order). Prints {@code cold-floor total=ms}.
 */
public final class ColdJdbcFloor {

    static final String PREFIX = "cold-floor ";

    private ColdJdbcFloor() {
    }

    public static void main(String[] args) throws Exception {
        long started = System.nanoTime();
        List<Path> files = PsqlFloor.filesOf(Path.of(args[3]));
        Properties properties = new Properties();
        properties.setProperty("user", args[1]);
        if (!args[2].isEmpty()) {
            properties.setProperty("password", args[2]);
        }
        try (Connection connection = DriverManager.getConnection(args[0], properties);
                Statement statement = connection.createStatement()) {
            statement.setEscapeProcessing(false);
            for (Path file : files) {
                statement.execute(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
            }
        }
        System.out.println(PREFIX + "total=" + String.format(Locale.ROOT, "%.1f", (System.nanoTime() - started) / 1e6));
    }
}
