package dev.lockstep.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The command line, checked before anything starts: a mistake costs one line and exit code 2, not
 * a stack trace after the server has been started.
 *
 * @param only the names of the scenarios to run, in any order
 * @param folders folders of the user's own migrations, measured like the generated sets
 * @param fleet10k whether the fleet scenario also measures a no-op over 10,000 tenants (minutes more)
 */
record Options(boolean help, boolean quick, int rounds, List<Integer> sizes, List<String> only, Path out,
        List<Path> folders, boolean fleet10k) {

    /** The flag that adds the fleet scenario's 10,000-tenant no-op. */
    static final String FLEET_10K = "--fleet-10k";

    static final String COMMAND = "java -jar benchmarks/target/lockstep-benchmarks.jar";

    /** A command line that cannot be run; the message names the option and how to fix it. */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message);
        }
    }

    /** As {@link #parse(String[], List, List)} with every scenario run by default. */
    static Options parse(String[] args, List<String> scenarios) throws Invalid {
        return parse(args, scenarios, scenarios);
    }

    /**
     * Reads the arguments; {@code --rounds} and {@code --sizes} default by {@code --quick}, and
     * every name in {@code --only} must be one of {@code scenarios}. Without {@code --only}, the
     * scenarios of {@code byDefault} run.
     */
    static Options parse(String[] args, List<String> scenarios, List<String> byDefault) throws Invalid {
        boolean help = false;
        boolean quick = false;
        boolean fleet10k = false;
        Integer rounds = null;
        List<Integer> sizes = null;
        List<String> only = byDefault;
        Path out = Path.of("benchmarks", "results");
        List<Path> folders = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        for (String arg : args) {
            // --rounds=5 reads like --rounds 5.
            int equals = arg.indexOf('=');
            if (arg.startsWith("--") && equals > 0) {
                rest.add(arg.substring(0, equals));
                rest.add(arg.substring(equals + 1));
            } else {
                rest.add(arg);
            }
        }
        for (int i = 0; i < rest.size(); i++) {
            String arg = rest.get(i);
            switch (arg) {
                case "--help", "-h" -> help = true;
                case "--quick" -> quick = true;
                case FLEET_10K -> fleet10k = true;
                case "--rounds" -> rounds = positive(arg, value(rest, ++i, arg, "5"), "5");
                case "--sizes" -> sizes = sizes(value(rest, ++i, arg, "100,1000"));
                case "--only" -> only = scenarioNames(value(rest, ++i, arg, "fresh,herd"), scenarios);
                case "--out" -> out = Path.of(value(rest, ++i, arg, "/tmp/bench"));
                default -> folders.add(folder(arg));
            }
        }
        return new Options(help, quick, rounds != null ? rounds : quick ? 2 : 5,
                sizes != null ? sizes : quick ? List.of(10, 100) : List.of(10, 100, 1_000, 5_000), only, out,
                List.copyOf(folders), fleet10k);
    }

    static String usage(List<Scenario> scenarios) {
        StringBuilder text = new StringBuilder("""
                Lockstep, Flyway, Liquibase and the raw-SQL floor on the same PostgreSQL and the same files.

                Usage: %s [OPTION ...] [FOLDER ...]

                Options:
                  --quick          smaller sets (10,100) and 2 rounds
                  --rounds N       measured rounds after the warm-up round (default 5, quick 2)
                  --sizes N,N,...  sizes of the generated migration sets (default 10,100,1000,5000)
                  --only NAME,...  run only these scenarios (default: all but those marked "only with --only")
                  --out DIR        where results.md, summary.csv and the charts go (default benchmarks/results)
                  --fleet-10k      fleet scenario: also a no-op over 10,000 tenant schemas (Lockstep only; it
                                   sets them up with a fresh fleet run first: several minutes more), and that
                                   no-op again in a child JVM with -Xmx256m
                  --help, -h       this text
                  FOLDER           a folder of <n>_<name>.up.sql or V<n>__<name>.sql files, measured like
                                   the generated sets

                Scenarios:
                """.formatted(COMMAND));
        for (Scenario scenario : scenarios) {
            text.append(String.format("  %-8s %s%s%n", scenario.name(), scenario.description(),
                    scenario.runsByDefault() ? "" : " (only with --only)"));
        }
        text.append("""

                The server is found like the tests' (LOCKSTEP_TEST_JDBC_URL, Testcontainers, or embedded).
                Run from the repository root: the clone scenario reads the sample app's migrations there.

                Example:
                  %1$s --only fresh,clone --sizes 100,1000 --rounds 3 --out /tmp/bench
                  %1$s --only fleet --fleet-10k
                  %1$s --only realset,index
                """.formatted(COMMAND));
        return text.toString();
    }

    private static String value(List<String> args, int index, String option, String example) throws Invalid {
        if (index >= args.size() || args.get(index).startsWith("--")) {
            throw new Invalid(option + " needs a value, e.g. " + option + " " + example);
        }
        return args.get(index);
    }

    private static int positive(String option, String value, String example) throws Invalid {
        try {
            int n = Integer.parseInt(value.trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // falls through to the message below, which names the option
        }
        throw new Invalid(option + " wants a whole number above 0, not '" + value + "', e.g. " + option + " "
                + example);
    }

    private static List<Integer> sizes(String value) throws Invalid {
        List<Integer> sizes = new ArrayList<>();
        for (String size : value.split(",", -1)) {
            sizes.add(positive("--sizes", size, "100,1000"));
        }
        return List.copyOf(sizes);
    }

    private static List<String> scenarioNames(String value, List<String> scenarios) throws Invalid {
        List<String> names = Arrays.stream(value.split(",", -1)).map(String::trim).toList();
        for (String name : names) {
            if (!scenarios.contains(name)) {
                throw new Invalid("--only has no scenario '" + name + "'; choose from " + String.join(",", scenarios));
            }
        }
        return names;
    }

    private static Path folder(String arg) throws Invalid {
        if (arg.startsWith("-")) {
            throw new Invalid("unknown option " + arg);
        }
        Path folder = Path.of(arg);
        if (!Files.isDirectory(folder)) {
            throw new Invalid("no folder " + folder.toAbsolutePath() + ": a FOLDER argument must be a folder of "
                    + "migrations (<n>_<name>.up.sql or V<n>__<name>.sql)");
        }
        return folder;
    }
}
