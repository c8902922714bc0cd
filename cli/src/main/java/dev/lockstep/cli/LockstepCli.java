package dev.lockstep.cli;

import dev.lockstep.core.BatchedJob;
import dev.lockstep.core.Drift;
import dev.lockstep.core.Lockstep;
import dev.lockstep.core.LockstepConfigurationException;
import dev.lockstep.core.LockstepException;
import dev.lockstep.core.LockstepSetting;
import dev.lockstep.core.LockstepSettings;
import dev.lockstep.core.MigrationInfo;
import dev.lockstep.core.MigrationReport;
import dev.lockstep.core.MigrationVersion;
import dev.lockstep.core.RepairAction;
import dev.lockstep.core.UndoPlan;
import dev.lockstep.core.UndoTarget;
import dev.lockstep.core.ValidationException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code java -jar lockstep-cli.jar <command> [--setting=value ...]}: the engine for Kubernetes
 * jobs, init containers and people at a terminal. Commands print to standard output, problems to
 * standard error, and the exit status says how it ended ({@link ExitCode}).
 */
public final class LockstepCli {

    /** Lockstep's own log, shown at WARNING (lock retries, risky statements) unless --verbose. */
    private static final Logger ENGINE_LOG = Logger.getLogger("dev.lockstep");
    /**
     * What happens once in a database's life shows without --verbose: adopting a history, upgrading
     * the tracker. Named as the engine's loggers are, after its classes.
     */
    private static final List<Logger> ONCE_LOGS = List.of(
            Logger.getLogger("dev.lockstep.core.internal.tracker.AdoptedHistory"),
            Logger.getLogger("dev.lockstep.core.internal.tracker.Tracker"));

    private record Command(String summary, String help) {
    }

    private static final String REPAIR_HELP = "\n\nOptions: --version=V (required; as info shows it: 42, 1.1, or R "
            + "for a repeatable migration), --name=N (when the version has several rows, and for R), --yes (do not ask). It shows the SQL it will run and asks to type yes; it refuses when "
            + "the row is not in the state the action is for, or while another runner holds the migration lock. With "
            + "--tenants (or --tenants-query), it plans in every tenant named, asks once, then runs in each.";

    private static final Map<String, RepairAction> REPAIRS = Map.of("mark-done", RepairAction.MARK_DONE,
            "forget", RepairAction.FORGET, "accept-checksum", RepairAction.ACCEPT_CHECKSUM,
            "accept-rename", RepairAction.ACCEPT_RENAME, "mark-undone", RepairAction.MARK_UNDONE,
            "mark-applied", RepairAction.MARK_APPLIED);

    private static final Map<String, Command> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("migrate", new Command("apply what is pending, waiting for other runners first",
                "Applies every pending migration, one line per migration, as a service does at startup: serialized "
                        + "with other runners by the advisory lock, each recorded in the tracker. On its first run on "
                        + "a database migrated by Flyway or golang-migrate (no tracker yet, flyway_schema_history or "
                        + "schema_migrations in the tracker's schema) it adopts that history: what it applied is "
                        + "recorded, not run again."));
        COMMANDS.put("info", new Command("list every migration and its state",
                "Lists every migration on disk or in the tracker: version, name, state (applied, pending, "
                        + "out-of-order, drifted, missing-file, running), when it was applied and the file. Writes "
                        + "nothing."));
        COMMANDS.put("validate", new Command("check the database against the files; exit 3 if migrations are pending",
                "Checks the tracker against the files without the lock and without writing anything. Exit 0 when "
                        + "every file is applied, 3 when migrations are pending, 1 when the tracker does not match "
                        + "the files (an edited, renamed or interrupted migration)."));
        COMMANDS.put("preview", new Command("show what migrate would run, with statements and lint findings",
                "Prints each migration migrate would run, in order, whether it runs in a transaction, its statements "
                        + "and the lint's findings. Writes nothing."));
        COMMANDS.put("drift", new Command("compare the schema with what the applied migrations make; exit 5 on drift",
                "Compares the live schema (the tracker's schema) with what the applied migrations make, object by "
                        + "object: tables, columns, indexes, constraints, sequences, views, functions, triggers, "
                        + "policies, grants and types. Each difference is a line: + in the database only, - missing "
                        + "from it, ~ changed (with both definitions). --drift.compare-with=replay runs the applied "
                        + "migrations again on a scratch database it creates and drops (needs CREATEDB); =snapshot "
                        + "compares with the snapshot each run stores beside the tracker; auto (the default) takes "
                        + "the snapshot when it is current, else replays. --drift.ignore=PATTERN,... leaves out what "
                        + "other tools own (index *_hotfix). Takes no lock; writes nothing in the database. Exit 0 "
                        + "without drift, 5 with drift, 1 when there is nothing to compare with."));
        COMMANDS.put("jobs", new Command("list the batched migrations' jobs: state, rows done, rate, ETA",
                "Lists the job of every batched migration ('-- lockstep:batched') applied here, oldest version first: "
                        + "its state (pending, running, paused, failed, finished), rows done of the estimated "
                        + "total, batches, rows a second, the time left at that rate, the session running it now, "
                        + "and for a failed job the key range, statement and error. Writes nothing. With --tenants, "
                        + "each tenant that has jobs, then a count per state."));
        COMMANDS.put("run-jobs", new Command("run the batched migrations' jobs here, in the foreground, to their end",
                "Runs the batches of every job that is pending or running and that no other process runs (each "
                        + "under its own lock), one job after another, to its end: finished, failed or paused. What a "
                        + "Spring Boot service does after it starts; for services without it, and to finish a job "
                        + "before a deploy. Exit 0 when every job it ran finished, 1 when one failed. With --tenants, "
                        + "fleet.jobs-parallelism tenants at once."));
        COMMANDS.put("pause", new Command("pause a job: no batch runs until it is resumed",
                "Pauses the job of --version=V: its worker stops after the batch in flight (each batch commits with "
                        + "the job's progress), and no worker runs it until it is resumed. With --tenants, in every "
                        + "tenant named."));
        COMMANDS.put("resume", new Command("let a paused job run again",
                "Lets the paused job of --version=V run again: the next worker (a service's, or run-jobs) goes on "
                        + "from its last committed batch. With --tenants, in every tenant named."));
        COMMANDS.put("retry", new Command("let a failed job run again, from the batch that failed",
                "Lets the failed job of --version=V run again, from the batch that failed (the error stays in the "
                        + "log; jobs no longer shows it). Fix its cause first: the statement is the one the migration "
                        + "recorded. With --tenants, in every tenant named."));
        COMMANDS.put("expansions", new Command("list the expand/contract migrations and the older releases' sessions "
                + "each waits for",
                "Lists every expand/contract migration ('-- lockstep:expand-contract') applied here, oldest first: "
                        + "expanded (the old shape kept for the release still running, the new one in the new "
                        + "release's version schema) or contracted, what it changes, and for an expanded one the "
                        + "sessions of older releases still connected (by the version in their application_name), "
                        + "which its contract waits for. Writes nothing. With --tenants, each tenant database."));
        COMMANDS.put("contract", new Command("finish the expanded migrations once no older release's session remains",
                "Contracts each expanded migration, oldest first, under the migration lock: drops the old columns, "
                        + "renames what was renamed, validates and sets what was added NOT VALID, drops the version "
                        + "schemas no release needs. Stops at the first whose older releases still have sessions "
                        + "connected (exit 3), unless --force: their queries of the old shape then fail. What a "
                        + "Spring Boot service does by itself (lockstep.expand.contract=after-start). With --tenants, "
                        + "each tenant database."));
        COMMANDS.put("undo", new Command("run the down SQL of the latest applied migrations, after asking",
                "Undoes applied migrations, highest version first: --to=V (every one above version V) or --last=N. "
                        + "Each runs the down SQL kept in its tracker row when it was applied (or, for a row from "
                        + "before, its down file), in its own transaction where it can, under the migration lock, "
                        + "and its row is marked undone (kept, with who and when); the next migrate applies it "
                        + "again. It shows every down it will run and asks to type yes (--yes: do not ask); a "
                        + "migration without down SQL stops it before anything runs. Startup never undoes."));
        COMMANDS.put("mark-done", new Command("record an interrupted migration as applied",
                "For a migration outside a transaction that was interrupted (its row is 'running'), after you "
                        + "completed its remaining statements by hand: records it as applied." + REPAIR_HELP));
        COMMANDS.put("forget", new Command("forget an interrupted migration, so migrate applies it again",
                "For a migration outside a transaction that was interrupted (its row is 'running'), after you "
                        + "undid what took effect (an INVALID index from a cancelled CREATE INDEX CONCURRENTLY, ...): "
                        + "deletes its row, so the next migrate applies it again." + REPAIR_HELP));
        COMMANDS.put("mark-undone", new Command("record an interrupted undo as done",
                "For an undo outside a transaction that was interrupted (its row is 'undoing'), after you ran the "
                        + "down's remaining statements by hand: records the migration as undone, so the next migrate "
                        + "applies it again." + REPAIR_HELP));
        COMMANDS.put("mark-applied", new Command("record an interrupted undo as never done",
                "For an undo outside a transaction that was interrupted (its row is 'undoing'), after you put back "
                        + "what its down's statements did (or none took effect): records the migration as applied "
                        + "again." + REPAIR_HELP));
        COMMANDS.put("accept-checksum", new Command("accept an applied file's edit",
                "For an applied file edited since, when the edit changes nothing in the schema (a comment): records "
                        + "the file's new checksum." + REPAIR_HELP));
        COMMANDS.put("accept-rename", new Command("accept an applied file's new name",
                "For an applied file renamed since (same version, same content; versions=unique): records the new "
                        + "name." + REPAIR_HELP));
    }


    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> environment;
    private final BufferedReader in;

    LockstepCli(PrintStream out, PrintStream err, Map<String, String> environment, BufferedReader in) {
        this.out = out;
        this.err = err;
        this.environment = environment;
        this.in = in;
    }

    public static void main(String[] args) {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.exit(new LockstepCli(System.out, System.err, System.getenv(), in).run(args).code);
    }

    ExitCode run(String[] args) {
        try {
            if (args.length == 0 || isHelp(args[0])) {
                out.print(usage());
                return args.length == 0 ? ExitCode.USAGE : ExitCode.OK;
            }
            String name = args[0];
            Command command = COMMANDS.get(name);
            if (command == null) {
                throw new UsageException("unknown command '" + name + "'; the commands are "
                        + String.join(", ", COMMANDS.keySet()) + " (see --help)");
            }
            List<String> rest = Arrays.asList(args).subList(1, args.length);
            if (rest.stream().anyMatch(LockstepCli::isHelp)) {
                out.print(commandHelp(name, command));
                return ExitCode.OK;
            }
            boolean verbose = rest.contains("--verbose");
            ENGINE_LOG.setLevel(verbose ? Level.INFO : Level.WARNING);
            ONCE_LOGS.forEach(log -> log.setLevel(Level.INFO));
            Map<String, String> flags = flags(rest);
            if (REPAIRS.containsKey(name)) {
                RepairOptions repair = RepairOptions.take(flags);
                return repair(REPAIRS.get(name), repair, Targets.of(Settings.resolve(flags, environment),
                        new Progress(out)));
            }
            if (JOB_ACTIONS.contains(name)) {
                String version = flags.remove("version");
                if (version == null) {
                    throw new UsageException("give the job's migration version: --version=V (see jobs)");
                }
                return jobAction(name, version.strip(), Targets.of(Settings.resolve(flags, environment),
                        new Progress(out)));
            }
            if (name.equals("undo")) {
                UndoOptions undo = UndoOptions.take(flags);
                return undo(undo, Targets.of(Settings.resolve(flags, environment), new Progress(out)));
            }
            boolean force = name.equals("contract") && flags.remove("force") != null;
            Targets targets = Targets.of(Settings.resolve(flags, environment), new Progress(out));
            if (name.equals("jobs") || name.equals("run-jobs")) {
                return new JobCommands(out, targets).execute(name);
            }
            if (name.equals("expansions") || name.equals("contract")) {
                return new ExpandCommands(out, targets).execute(name, force);
            }
            if (targets.fleet().isPresent()) {
                return new TenantCommands(out, targets).execute(name);
            }
            return execute(name, targets.all().get(0).engine());
        } catch (UsageException | LockstepConfigurationException e) {
            err.println("lockstep: " + e.getMessage());
            return ExitCode.USAGE;
        } catch (ValidationException e) {
            err.println("lockstep: " + e.getMessage());
            return ExitCode.PENDING;
        } catch (LockstepException e) {
            err.println("lockstep: " + e.getMessage());
            return ExitCode.FAILED;
        }
    }

    private ExitCode execute(String command, Lockstep lockstep) {
        switch (command) {
            case "migrate" -> {
                MigrationReport report = lockstep.migrate();
                out.println(report.applied().isEmpty()
                        ? "Schema is up to date: " + report.alreadyApplied() + " migration(s) applied in "
                                + report.tracker()
                        : "Applied " + report.applied().size() + " migration(s) to " + report.tracker() + " in "
                                + report.total().toMillis() + " ms");
            }
            case "info" -> printInfo(out, lockstep.info());
            case "validate" -> {
                MigrationReport report = lockstep.validate();
                out.println("Valid: " + report.alreadyApplied() + " migration(s) applied in " + report.tracker()
                        + ", none pending");
            }
            case "drift" -> {
                Drift drift = lockstep.drift();
                out.println(drift.describe());
                return drift.found() ? ExitCode.DRIFT : ExitCode.OK;
            }
            default -> out.print(lockstep.preview().describe() + "\n");
        }
        return ExitCode.OK;
    }

    private static final List<String> JOB_ACTIONS = List.of("pause", "resume", "retry");

    /** Pauses, resumes or retries the job of {@code version} in each target; a refusal names the tenant. */
    private ExitCode jobAction(String action, String version, Targets targets) {
        for (Targets.Target target : targets.all()) {
            BatchedJob job = refusedIn(target, () -> switch (action) {
                case "pause" -> target.engine().pauseJob(version);
                case "resume" -> target.engine().resumeJob(version);
                default -> target.engine().retryJob(version);
            });
            out.println(target.prefix() + job.describe());
        }
        return ExitCode.OK;
    }

    /**
     * Shows the SQL for each target (every tenant named, or the one database), asks once unless
     * --yes, then runs it in each under its migration lock. A target where the action does not fit
     * stops it before anything changes anywhere.
     */
    private ExitCode repair(RepairAction action, RepairOptions options, Targets targets) {
        List<Targets.Target> all = targets.all();
        for (Targets.Target target : all) {
            String sql = refusedIn(target, () -> target.engine().planRepair(action, options.version(),
                    options.name()));
            out.println(target.prefix() + "This will run: " + sql);
        }
        if (!confirmed(options.yes(), "Type yes to go on: ")) {
            return ExitCode.DECLINED;
        }
        for (Targets.Target target : all) {
            out.println(target.prefix() + "Done: " + target.engine().repair(action, options.version(),
                    options.name()));
        }
        return ExitCode.OK;
    }

    /**
     * Shows every down it will run in each target, asks once unless --yes, then undoes in each
     * exactly what was shown there. A target whose undo is refused stops it before anything runs
     * anywhere; a down that fails stops it there, and the lines before say which targets were undone.
     */
    private ExitCode undo(UndoOptions options, Targets targets) {
        List<Targets.Target> all = targets.all();
        Map<Targets.Target, UndoPlan> plans = new LinkedHashMap<>();
        for (Targets.Target target : all) {
            UndoPlan plan = refusedIn(target, () -> target.engine().planUndo(options.target()));
            out.println(target.tenant().map(t -> "== tenant " + t + "\n").orElse("") + plan.describe());
            if (!plan.isEmpty()) {
                plans.put(target, plan);
            }
        }
        if (plans.isEmpty()) {
            return ExitCode.OK;
        }
        int steps = plans.values().stream().mapToInt(p -> p.steps().size()).sum();
        if (!confirmed(options.yes(), "Type yes to undo " + steps + " migration(s)"
                + (targets.fleet().isPresent() ? " in " + plans.size() + " tenant(s)" : "") + ": ")) {
            return ExitCode.DECLINED;
        }
        for (Map.Entry<Targets.Target, UndoPlan> planned : plans.entrySet()) {
            UndoPlan undone = refusedIn(planned.getKey(), () -> planned.getKey().engine().undo(options.target(),
                    planned.getValue()));
            out.println(planned.getKey().prefix() + "Undid " + undone.steps().size() + " migration(s) in "
                    + undone.tracker() + "; the next migrate applies them again.");
        }
        return ExitCode.OK;
    }

    /** Asks to type yes, unless {@code yes}; says "Nothing changed." when the answer is anything else. */
    private boolean confirmed(boolean yes, String question) {
        if (yes) {
            return true;
        }
        out.print(question);
        out.flush();
        String answer = readLine();
        if (!"yes".equals(answer == null ? null : answer.strip())) {
            out.println("Nothing changed.");
            return false;
        }
        return true;
    }

    /** The action's result; a refusal in a tenant names the tenant. */
    private static <T> T refusedIn(Targets.Target target, Supplier<T> action) {
        try {
            return action.get();
        } catch (ValidationException e) {
            throw e;
        } catch (LockstepException e) {
            if (target.tenant().isEmpty()) {
                throw e;
            }
            throw new LockstepException("tenant " + target.tenant().get() + ": " + e.getMessage(), e);
        }
    }

    /** {@code --to=V} or {@code --last=N}, and {@code --yes}. */
    private record UndoOptions(UndoTarget target, boolean yes) {

        static UndoOptions take(Map<String, String> flags) {
            String to = flags.remove("to");
            String last = flags.remove("last");
            boolean yes = flags.remove("yes") != null;
            if ((to == null) == (last == null)) {
                throw new UsageException("say what to undo: --to=V (every applied migration above version V) or "
                        + "--last=N (the N highest applied versions), one of them");
            }
            try {
                return new UndoOptions(to != null ? UndoTarget.to(to.strip()) : UndoTarget.last(Integer.parseInt(
                        last.strip())), yes);
            } catch (IllegalArgumentException e) {
                throw new UsageException(to != null ? "--to='" + to + "' is no migration version; give it as info "
                        + "shows it, e.g. 42 or 1.1" : "--last='" + last + "' must be a whole number, 1 or more");
            }
        }
    }

    private String readLine() {
        try {
            return in.readLine();
        } catch (IOException e) {
            return null;
        }
    }

    /** The options of an operator action, taken out of the flags before the settings are read. */
    private record RepairOptions(MigrationVersion version, String name, boolean yes) {

        static RepairOptions take(Map<String, String> flags) {
            String version = flags.remove("version");
            String name = flags.remove("name");
            boolean yes = flags.remove("yes") != null;
            if (version == null) {
                throw new UsageException("give the migration's version: --version=V (see info)");
            }
            if (version.strip().equalsIgnoreCase("R")) {
                if (name == null) {
                    throw new UsageException("a repeatable migration is known by its name: give --name=N too");
                }
                return new RepairOptions(MigrationVersion.REPEATABLE, name, yes);
            }
            try {
                return new RepairOptions(MigrationVersion.parse(version), name, yes);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--version='" + version + "' is no migration version; give it as info shows "
                        + "it: 42, 1.1, or R with --name for a repeatable migration");
            }
        }
    }

    static void printInfo(PrintStream out, List<MigrationInfo> migrations) {
        out.printf("%-20s %-32s %-13s %-30s %s%n", "version", "name", "state", "applied at", "file");
        for (MigrationInfo m : migrations) {
            out.printf("%-20s %-32s %-13s %-30s %s%n", m.version(), m.name(), m.state().label(),
                    m.appliedAt() == null ? "" : m.appliedAt(), m.file() == null ? "" : m.file());
        }
    }

    /** {@code --name=value} pairs; {@code --lockstep.name=value} is the same setting. */
    private static Map<String, String> flags(List<String> args) {
        Map<String, String> flags = new LinkedHashMap<>();
        for (String arg : args) {
            if (arg.equals("--verbose")) {
                continue;
            }
            if (arg.equals("--yes") || arg.equals("--force")) {
                flags.put(arg.substring(2), "true");
                continue;
            }
            int equals = arg.indexOf('=');
            if (!arg.startsWith("--") || equals < 3) {
                throw new UsageException("'" + arg + "' is not an option; write settings as --name=value, e.g. "
                        + "--url=jdbc:postgresql://localhost:5432/orders");
            }
            String name = arg.substring(2, equals);
            flags.put(name.startsWith("lockstep.") ? name.substring("lockstep.".length()) : name,
                    arg.substring(equals + 1));
        }
        return flags;
    }

    private static boolean isHelp(String arg) {
        return arg.equals("--help") || arg.equals("-h") || arg.equals("help");
    }

    private static String usage() {
        StringBuilder s = new StringBuilder("Usage: java -jar lockstep-cli.jar <command> [--setting=value ...]\n\n"
                + "Commands:\n");
        COMMANDS.forEach((name, command) -> s.append(String.format("  %-16s %s%n", name, command.summary())));
        s.append("\n").append(settingsHelp()).append("\nRun 'java -jar lockstep-cli.jar <command> --help' for a "
                + "command.\n").append(exitCodes());
        return s.toString();
    }

    private static String commandHelp(String name, Command command) {
        return "Usage: java -jar lockstep-cli.jar " + name + " [--setting=value ...]\n\n" + command.help() + "\n\n"
                + settingsHelp() + "\n" + exitCodes();
    }

    private static String settingsHelp() {
        StringBuilder s = new StringBuilder("Settings (the Spring Boot property names without 'lockstep.'): a flag "
                + "--name=value, else the environment\nvariable LOCKSTEP_NAME (dots and dashes as _), else lockstep.name "
                + "in the file --config=FILE (default ./lockstep.properties):\n");
        for (LockstepSetting.Group group : List.of(LockstepSetting.Group.CONNECTION, LockstepSetting.Group.ENGINE,
                LockstepSetting.Group.FLEET)) {
            s.append(switch (group) {
                case CONNECTION -> "\n The database (--url is required):\n";
                case ENGINE -> "\n How it migrates:\n";
                case FLEET -> "\n Tenants (every command runs in each tenant named):\n";
            });
            for (LockstepSetting<?> setting : LockstepSettings.of(group)) {
                String meaning = setting.description() + setting.defaultText().map(value -> " (default " + value + ")")
                        .orElse("") + (setting.aliases().isEmpty() ? "" : " Also --" + String.join(", --",
                                setting.aliases()) + ".");
                String flag = setting == LockstepSettings.PLACEHOLDERS ? "placeholders.NAME" : setting.name();
                s.append(String.format("  --%-26s %s%n", flag, wrap(meaning)));
            }
        }
        s.append("\n  --verbose                    show Lockstep's INFO log on standard error\n");
        return s.toString();
    }

    /** A setting's meaning in lines of at most 80 characters, each further line under the first. */
    private static String wrap(String meaning) {
        StringBuilder wrapped = new StringBuilder();
        int lineStart = 0;
        for (String word : meaning.split(" ")) {
            if (wrapped.length() - lineStart + word.length() > 80 && wrapped.length() > lineStart) {
                wrapped.setLength(wrapped.length() - 1);
                wrapped.append('\n').append(" ".repeat(31));
                lineStart = wrapped.length();
            }
            wrapped.append(word).append(' ');
        }
        return wrapped.toString().stripTrailing();
    }

    private static String exitCodes() {
        return "\nExit status: 0 done; 1 failed or refused (migration, tracker, lock or database); 2 wrong command line "
                + "or setting, nothing done;\n3 validate found pending migrations; 4 an operator action was not "
                + "confirmed, nothing changed;\n5 drift found differences.\n";
    }
}
