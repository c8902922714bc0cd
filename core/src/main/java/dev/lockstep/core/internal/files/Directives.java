package dev.lockstep.core.internal.files;

import dev.lockstep.core.LintRule;
import dev.lockstep.core.MigrationVersion;
import dev.lockstep.core.internal.sql.FileProblem;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads {@code -- lockstep:key=value} lines from the comments at the top of a migration, before its
 * first statement: {@code transaction=true|false}, {@code lint-ignore=<rule>[,<rule>]},
 * {@code batched table=<table> key=<column> [class=<class>]} ({@link Batched}) and
 * {@code requires-finished=<version>}. A comment that starts with
 * {@code lockstep:} anywhere else, in another case or as a block comment is an error, as is an
 * unknown directive: a directive that is silently ignored changes how a migration runs.
 */
final class Directives {

    private static final String PREFIX = "lockstep:";
    private static final String THE_DIRECTIVE = "'-- lockstep:transaction=false' (or =true)";
    private static final String LINT_IGNORE = "lint-ignore=";
    private static final String BATCHED = "batched";
    private static final String REQUIRES_FINISHED = "requires-finished=";
    private static final String EXPAND_CONTRACT = "expand-contract";
    private static final String TYPE_BACK = "type-back ";
    private static final String ALL = THE_DIRECTIVE + ", '-- lockstep:lint-ignore=<rule>[,<rule>]', "
            + "'-- lockstep:batched table=<table> key=<column>', '-- lockstep:requires-finished=<version>', "
            + "'-- lockstep:expand-contract' and '-- lockstep:type-back <table>.<column> = <expression>'";

    private Optional<Boolean> transaction = Optional.empty();
    private final Set<LintRule> lintIgnored = EnumSet.noneOf(LintRule.class);
    private Optional<Batched> batched = Optional.empty();
    private int batchedLine;
    private final Set<String> requiresFinished = new LinkedHashSet<>();
    private boolean expandContract;
    private int expandContractLine;
    private final Map<String, String> typeBack = new LinkedHashMap<>();
    private final Map<String, Integer> typeBackLines = new LinkedHashMap<>();

    /** Takes each comment the splitter reports, in file order. */
    void found(String comment, int line, boolean block, boolean beforeFirstStatement) {
        if (block) {
            throw new FileProblem(line, "'" + comment + "' is a block comment, which Lockstep does not read as a "
                    + "directive; write it as a line comment at the top of the file: " + THE_DIRECTIVE);
        }
        if (!beforeFirstStatement) {
            throw new FileProblem(line, "'-- " + comment + "' comes after the first statement, where Lockstep does "
                    + "not read directives; move it to the top of the file, before the first statement");
        }
        if (!comment.startsWith(PREFIX)) {
            throw new FileProblem(line, "'-- " + comment + "' is not read as a directive: directives are written in "
                    + "lower case, " + THE_DIRECTIVE);
        }
        String directive = comment.substring(PREFIX.length()).strip();
        if (directive.equals("transaction=false")) {
            transaction = Optional.of(false);
        } else if (directive.equals("transaction=true")) {
            transaction = Optional.of(true);
        } else if (directive.startsWith(LINT_IGNORE)) {
            for (String id : directive.substring(LINT_IGNORE.length()).split(",")) {
                lintIgnored.add(LintRule.byId(id).orElseThrow(() -> new FileProblem(line, "'" + id.strip()
                        + "' in '-- " + comment + "' is no lint rule; the rules are " + LintRule.allIds())));
            }
        } else if (directive.equals(BATCHED) || directive.startsWith(BATCHED + " ")) {
            batched(directive.substring(BATCHED.length()).strip(), comment, line);
        } else if (directive.startsWith(REQUIRES_FINISHED)) {
            String version = directive.substring(REQUIRES_FINISHED.length()).strip();
            try {
                requiresFinished.add(MigrationVersion.parse(version).toString());
            } catch (IllegalArgumentException e) {
                throw new FileProblem(line, "'" + version + "' in '-- " + comment + "' is no migration version; "
                        + "write the version of the batched migration whose job must be finished first, e.g. "
                        + "'-- lockstep:requires-finished=42'");
            }
        } else if (directive.equals(EXPAND_CONTRACT)) {
            expandContract = true;
            expandContractLine = line;
        } else if (directive.startsWith(TYPE_BACK)) {
            typeBack(directive.substring(TYPE_BACK.length()), comment, line);
        } else {
            throw new FileProblem(line, "unknown directive '" + comment + "'; the directives are " + ALL);
        }
    }

    /** {@code table=<table> key=<column> [class=<class>]}, each once, in any order. */
    private void batched(String arguments, String comment, int line) {
        if (batched.isPresent()) {
            throw new FileProblem(line, "a second '-- " + comment + "'; a file declares one batched job");
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String pair : arguments.isEmpty() ? new String[0] : arguments.split("\\s+")) {
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            if (equals < 0 || !Set.of("table", "key", "class").contains(name) || values.put(name,
                    pair.substring(equals + 1)) != null || pair.substring(equals + 1).isEmpty()) {
                throw new FileProblem(line, "'" + pair + "' in '-- " + comment + "' is not understood; write "
                        + "'-- lockstep:batched table=<table> key=<integer key column>', each once");
            }
        }
        if (!values.containsKey("table") || !values.containsKey("key")) {
            throw new FileProblem(line, "'-- " + comment + "' names no " + (values.containsKey("table") ? "key" : "table")
                    + "; write '-- lockstep:batched table=<table> key=<integer key column>', e.g. "
                    + "'-- lockstep:batched table=users key=id'");
        }
        batched = Optional.of(new Batched(values.get("table"), values.get("key"),
                Optional.ofNullable(values.get("class"))));
        batchedLine = line;
    }

    /** {@code <table>.<column> = <expression>}: how a value of the column's new type goes back to the old. */
    private void typeBack(String arguments, String comment, int line) {
        int equals = arguments.indexOf('=');
        String column = equals < 0 ? "" : arguments.substring(0, equals).strip().toLowerCase(java.util.Locale.ROOT);
        String expression = equals < 0 ? "" : arguments.substring(equals + 1).strip();
        if (!column.matches("[a-z_][a-z0-9_$]*\\.[a-z_][a-z0-9_$]*") || expression.isEmpty()) {
            throw new FileProblem(line, "'-- " + comment + "' is not understood; write '-- lockstep:type-back "
                    + "<table>.<column> = <expression>', where the column's name stands for its value in the new type, "
                    + "e.g. '-- lockstep:type-back users.age = age::integer'");
        }
        if (typeBack.put(column, expression) != null) {
            throw new FileProblem(line, "a second '-- lockstep:type-back' for " + column + "; give one way back");
        }
        typeBackLines.put(column, line);
    }

    /** Whether the file says {@code -- lockstep:expand-contract}, and on which line (0: it does not). */
    int expandContractLine() {
        return expandContract ? expandContractLine : 0;
    }

    /** {@code -- lockstep:type-back}: the expression per {@code table.column}, lower case. */
    Map<String, String> typeBack() {
        return Map.copyOf(typeBack);
    }

    /** The line of each {@code -- lockstep:type-back}, by {@code table.column}. */
    Map<String, Integer> typeBackLines() {
        return Map.copyOf(typeBackLines);
    }

    /** The job the file declares, when it is a batched migration. */
    Optional<Batched> batched() {
        return batched;
    }

    /** The line of {@code -- lockstep:batched}, for messages about it. */
    int batchedLine() {
        return batchedLine;
    }

    /** The versions of the batched migrations whose jobs must be finished before this file runs. */
    List<String> requiresFinished() {
        return List.copyOf(requiresFinished);
    }

    /** The lint rules this file accepts for its statements. */
    Set<LintRule> lintIgnored() {
        return Set.copyOf(lintIgnored);
    }

    /** The forced transaction mode, or empty when the file does not set one. */
    Optional<Boolean> transaction() {
        return transaction;
    }
}
