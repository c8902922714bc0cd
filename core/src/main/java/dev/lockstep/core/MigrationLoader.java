package dev.lockstep.core;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns the scanned files into the ordered list of up-migrations, or fails listing every bad file:
 * unparseable names, duplicate versions, undecodable or empty files, unclosed quotes, unknown
 * directives and transaction modes that cannot work. Runs before any connection is opened.
 */
final class MigrationLoader {

    private static final Comparator<Migration> ORDER =
            Comparator.comparingLong(Migration::version).thenComparing(Migration::name);

    private final MigrationScanner scanner;
    private final VersionsMode versions;

    MigrationLoader(MigrationScanner scanner, VersionsMode versions) {
        this.scanner = scanner;
        this.versions = versions;
    }

    List<Migration> load(List<String> locations) {
        List<String> problems = new ArrayList<>();
        List<Migration> migrations = new ArrayList<>();
        Map<Long, List<String>> downFiles = new LinkedHashMap<>();
        // Decoding, hashing and splitting are independent per file: done on every core.
        List<Parsed> parsed = scanner.scan(locations).parallelStream().map(this::parse).toList();
        for (Parsed result : parsed) {
            if (result instanceof Up up) {
                migrations.add(up.migration());
            } else if (result instanceof Down down) {
                downFiles.computeIfAbsent(down.version(), v -> new ArrayList<>()).add(down.file());
            } else if (result instanceof Problem problem) {
                problems.add(problem.message());
            }
        }
        migrations.sort(ORDER);
        problems.addAll(duplicates(migrations));
        if (versions == VersionsMode.UNIQUE) {
            downFiles.forEach((version, files) -> {
                if (files.size() > 1) {
                    problems.add("version " + version + " has " + files.size() + " down files: " + String.join(", ", files)
                            + "; keep one");
                }
            });
        }
        if (!problems.isEmpty()) {
            throw new MigrationFileException(problems);
        }
        return migrations;
    }

    /** What one file turned out to be. */
    private sealed interface Parsed permits Up, Down, Problem {
    }

    private record Up(Migration migration) implements Parsed {
    }

    /** A down file: not run by migrate(), its name still checked. */
    private record Down(long version, String file) implements Parsed {
    }

    /** What is wrong with the file, naming it (and the line). */
    private record Problem(String message) implements Parsed {
    }

    private Parsed parse(SqlFile file) {
        MigrationFileName fileName;
        try {
            fileName = MigrationFileName.parse(file.fileName());
        } catch (IllegalArgumentException e) {
            return new Problem(file.displayName() + ": " + e.getMessage());
        }
        if (!fileName.up()) {
            return new Down(fileName.version(), file.displayName());
        }
        try {
            return new Up(read(file, fileName));
        } catch (FileProblem e) {
            return new Problem(file.displayName() + (e.line() > 0 ? ", line " + e.line() : "") + ": " + e.getMessage());
        }
    }

    private static Migration read(SqlFile file, MigrationFileName fileName) {
        String text = Checksums.normalize(decode(file.content()));
        List<SqlStatement> statements = SqlSplitter.split(text);
        if (statements.isEmpty()) {
            throw new FileProblem(0, "the file holds no SQL statement; delete it, or write the statement it "
                    + "was meant to hold");
        }
        Optional<Boolean> forced = Directives.transaction(text);
        SqlStatement needsAutocommit = null;
        String reason = null;
        for (SqlStatement statement : statements) {
            reason = TransactionRules.nonTransactionalReason(statement);
            if (reason != null) {
                needsAutocommit = statement;
                break;
            }
        }
        boolean transactional = forced.orElse(needsAutocommit == null);
        if (transactional && needsAutocommit != null) {
            throw new FileProblem(needsAutocommit.line(), reason + " cannot run inside a transaction, but the file "
                    + "says '-- lockstep:transaction=true'; remove that directive");
        }
        if (transactional) {
            for (SqlStatement statement : statements) {
                if (TransactionRules.isTransactionControl(statement)) {
                    throw new FileProblem(statement.line(), "'" + statement.words().get(0) + "' would end the "
                            + "transaction Lockstep runs this migration in, together with its tracker row; remove "
                            + "it, or add '-- lockstep:transaction=false' as the first line to manage transactions yourself");
                }
            }
        }
        return new Migration(fileName.version(), fileName.name(), file.displayName(), Checksums.sha256(text),
                transactional, statements);
    }

    private static String decode(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new FileProblem(0, "the file is not valid UTF-8; save it as UTF-8");
        }
    }

    /** In unique mode one version per file; in shared mode one (version, name) per file. */
    private List<String> duplicates(List<Migration> sorted) {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < sorted.size(); ) {
            int j = i + 1;
            while (j < sorted.size() && clash(sorted.get(i), sorted.get(j))) {
                j++;
            }
            if (j - i > 1) {
                List<String> files = sorted.subList(i, j).stream().map(Migration::file).toList();
                problems.add(versions == VersionsMode.UNIQUE
                        ? "version " + sorted.get(i).version() + " is used by " + files.size() + " files: "
                                + String.join(", ", files) + "; give each its own version, or set "
                                + "lockstep.versions=shared if several files per version are intended"
                        : "migration " + sorted.get(i).version() + "_" + sorted.get(i).name() + " exists "
                                + files.size() + " times: " + String.join(", ", files) + "; keep one");
            }
            i = j;
        }
        return problems;
    }

    private boolean clash(Migration a, Migration b) {
        return versions == VersionsMode.UNIQUE ? a.version() == b.version() : a.id().equals(b.id());
    }
}
