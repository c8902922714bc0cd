package dev.lockstep.core.internal.files;

import dev.lockstep.core.LockstepException;
import dev.lockstep.core.MigrationFileException;
import dev.lockstep.core.MigrationVersion;
import dev.lockstep.core.VersionsMode;
import dev.lockstep.core.internal.sql.FileProblem;
import dev.lockstep.core.internal.sql.SqlSplitter;
import dev.lockstep.core.internal.sql.SqlStatement;
import java.lang.System.Logger.Level;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Turns the scanned files into the ordered list of up-migrations, or fails listing every bad file:
 * unparseable names, duplicate versions, undecodable or empty files, unclosed quotes, unknown
 * directives and transaction modes that cannot work. Runs before any connection is opened.
 */
public final class MigrationLoader {

    private static final System.Logger LOG = System.getLogger(MigrationLoader.class.getName());
    private static final Comparator<LoadedMigration> ORDER =
            Comparator.comparing(LoadedMigration::version).thenComparing(LoadedMigration::name);

    private final MigrationScanner scanner;
    private final VersionsMode versions;
    private final Placeholders placeholders;
    /** Characters kept so far ({@link #keep}); files are read on every core at once. */
    private final AtomicLong keptChars = new AtomicLong();
    private static final int KEEP_FILE_CHARS = 1 << 16;
    private static final long KEEP_TOTAL_CHARS = 1 << 23;

    public MigrationLoader(MigrationScanner scanner, VersionsMode versions) {
        this(scanner, versions, Placeholders.NONE);
    }

    public MigrationLoader(MigrationScanner scanner, VersionsMode versions, Placeholders placeholders) {
        this.scanner = scanner;
        this.versions = versions;
        this.placeholders = placeholders;
    }

    /**
     * Every up-migration of these locations, checked and in the order they run.
     *
     * @throws MigrationFileException listing every bad file
     */
    public List<LoadedMigration> load(List<String> locations) {
        List<String> problems = new ArrayList<>();
        List<LoadedMigration> migrations = new ArrayList<>();
        Map<MigrationVersion, List<Down>> downFiles = new LinkedHashMap<>();
        // Decoding, hashing and splitting are independent per file: done on every core.
        List<Parsed> parsed = scanner.scan(locations).parallelStream().map(this::parse).toList();
        for (Parsed result : parsed) {
            if (result instanceof Up up) {
                migrations.add(up.migration());
            } else if (result instanceof Down down) {
                downFiles.computeIfAbsent(down.id().version(), v -> new ArrayList<>()).add(down);
            } else if (result instanceof Problem problem) {
                problems.add(problem.message());
            }
        }
        migrations.sort(ORDER);
        problems.addAll(duplicates(migrations, locations));
        if (versions == VersionsMode.UNIQUE) {
            downFiles.values().removeIf(downs -> {
                if (downs.size() > 1) {
                    warnUnusable("version " + downs.get(0).id().version() + " has " + downs.size() + " down files: "
                            + String.join(", ", downs.stream().map(d -> d.migration().file()).toList())
                            + "; keep one (until then neither is its down)");
                }
                return downs.size() > 1;
            });
        }
        for (int i = 0; i < migrations.size(); i++) {
            Optional<Down> down = downOf(migrations.get(i), downFiles);
            if (down.isPresent()) {
                migrations.set(i, migrations.get(i).withDown(down.get().migration()));
            }
        }
        downFiles.values().stream().flatMap(List::stream).filter(d -> !d.matched).forEach(d -> LOG.log(Level.WARNING,
                d.migration().file() + " has no up migration with version " + d.id().version() + (d.id().name().isEmpty()
                        ? "" : " and name " + d.id().name()) + ", so it is never used; rename it to match its up file "
                        + "or delete it"));
        if (!problems.isEmpty()) {
            throw new MigrationFileException(problems);
        }
        return migrations;
    }

    /** What one file turned out to be. */
    private sealed interface Parsed permits Up, Down, Problem {
    }

    private record Up(LoadedMigration migration) implements Parsed {
    }

    /** A down file, read and analysed like an up file; {@code matched} once an up migration took it. */
    private static final class Down implements Parsed {
        private final MigrationId id;
        private final DownMigration migration;
        private boolean matched;

        Down(MigrationId id, DownMigration migration) {
            this.id = id;
            this.migration = migration;
        }

        MigrationId id() {
            return id;
        }

        DownMigration migration() {
            return migration;
        }
    }

    /** The up migration's down: the one of the same version and name, else (unique versions) the version's only one. */
    private Optional<Down> downOf(LoadedMigration up, Map<MigrationVersion, List<Down>> downFiles) {
        List<Down> downs = downFiles.getOrDefault(up.version(), List.of());
        Optional<Down> found = downs.stream().filter(d -> !d.matched && d.id().name().equals(up.name())).findFirst();
        if (found.isEmpty() && versions == VersionsMode.UNIQUE && downs.size() == 1 && !downs.get(0).matched) {
            found = Optional.of(downs.get(0));
        }
        found.ifPresent(d -> d.matched = true);
        return found;
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
            return readDown(file, fileName);
        }
        try {
            return new Up(read(file, fileName));
        } catch (FileProblem e) {
            return new Problem(file.displayName() + (e.line() > 0 ? ", line " + e.line() : "") + ": " + e.getMessage());
        }
    }

    /**
     * Reads the file once, checking everything that can be checked without a database; keeps what
     * the run needs to decide, and the statements as analysed unless the file or the load is too
     * large to keep ({@link #keep}).
     */
    private LoadedMigration read(SqlFile file, MigrationFileName fileName) {
        if (file.indexed() != null) {
            return readIndexed(file, fileName);
        }
        CheckedText read = CheckedText.of(file);
        String checksum = read.checksum();
        String text = placeholders.apply(read.text());
        List<SqlStatement> statements = keep(text) ? new ArrayList<>() : null;
        FileFacts facts = FileFacts.of(text, statements == null ? statement -> { } : statements::add);
        LoadedMigration.StatementSource source = statements == null ? () -> statementsOf(file, checksum)
                : List.copyOf(statements)::iterator;
        return new LoadedMigration(new MigrationId(fileName.version(), fileName.name()), file.displayName(), checksum,
                () -> facts, source, () -> placeholders.apply(textOf(file, checksum)),
                placeholders.appearIn(read.text()) ? () -> textOf(file, checksum) : null, null);
    }

    /**
     * A down file: analysed like an up file (placeholders, directives, transaction mode, lint). A
     * start never runs a down, so a down that cannot run stops nothing: it is kept with what is wrong
     * ({@link DownMigration#refusal()}), said as a warning here, and refused by undo.
     */
    private Down readDown(SqlFile file, MigrationFileName fileName) {
        MigrationId id = new MigrationId(fileName.version(), fileName.name());
        if (file.indexed() != null) {
            String checksum = file.indexed().checksum();
            return new Down(id, new DownMigration(file.displayName(), checksum,
                    LoadedMigration.once(() -> analysed(file, checksum)),
                    () -> placeholders.apply(textOf(file, checksum)), () -> textOf(file, checksum)));
        }
        CheckedText read;
        try {
            read = CheckedText.of(file);
        } catch (FileProblem e) {
            warnUnusable(file.displayName() + (e.line() > 0 ? ", line " + e.line() : "") + ": " + e.getMessage());
            return new Down(id, DownMigration.unreadable(file.displayName(), e));
        }
        String checksum = read.checksum();
        String text = placeholders.apply(read.text());
        Supplier<String> keptText = keep(text) ? () -> text : () -> placeholders.apply(textOf(file, checksum));
        Supplier<FileFacts> facts;
        try {
            FileFacts analysed = FileFacts.of(text);
            facts = () -> analysed;
        } catch (FileProblem e) {
            if (!e.noStatement()) {
                warnUnusable(file.displayName() + (e.line() > 0 ? ", line " + e.line() : "") + ": " + e.getMessage());
            }
            facts = () -> {
                throw e;
            };
        }
        return new Down(id, new DownMigration(file.displayName(), checksum, facts, keptText,
                () -> textOf(file, checksum)));
    }

    /**
     * Whether to keep what the one reading of a file gave (an up file's statements, a down file's
     * text for its tracker row) for the run, which then applies what it analysed without reading
     * and hashing the file again: yes, up to {@value #KEEP_FILE_CHARS} characters a file and
     * {@value #KEEP_TOTAL_CHARS} for the load. A larger file (rows of data) or a larger history is
     * read again when it runs, so that it costs memory only then.
     */
    private boolean keep(String text) {
        return text.length() <= KEEP_FILE_CHARS && keptChars.addAndGet(text.length()) <= KEEP_TOTAL_CHARS;
    }

    private static void warnUnusable(String problem) {
        LOG.log(Level.WARNING, problem + ". A start never runs a down, so this one goes on; undo refuses this "
                + "migration until the down file is fixed");
    }

    /**
     * A file the build's index matches: nothing is read now. Its checksum is the index's; its facts
     * come from one reading of the file, the first time they are needed (only a file that runs, or is
     * previewed, needs them; {@link LoadedMigration#analyse} asks before a run applies anything).
     */
    private LoadedMigration readIndexed(SqlFile file, MigrationFileName fileName) {
        String checksum = file.indexed().checksum();
        return new LoadedMigration(new MigrationId(fileName.version(), fileName.name()), file.displayName(), checksum,
                LoadedMigration.once(() -> analysed(file, checksum)), () -> statementsOf(file, checksum),
                () -> placeholders.apply(textOf(file, checksum)),
                file.indexed().placeholders() ? () -> textOf(file, checksum) : null, null);
    }

    /** @throws MigrationFileException naming the file and line, as the load would have */
    private FileFacts analysed(SqlFile file, String checksum) {
        try {
            return FileFacts.of(placeholders.apply(textOf(file, checksum)));
        } catch (FileProblem e) {
            throw new MigrationFileException(List.of(file.displayName() + (e.line() > 0 ? ", line " + e.line() : "")
                    + ": " + e.getMessage()));
        }
    }

    /**
     * The statements read afresh when the migration runs (a file not kept, or one the build's index
     * stood in for), refusing a file that changed since.
     */
    private Iterator<SqlStatement> statementsOf(SqlFile file, String checksum) {
        return new SqlSplitter(placeholders.apply(textOf(file, checksum)), SqlSplitter.DirectiveComments.IGNORED);
    }

    /** The file's text read afresh, refusing a file that changed since it was checked. */
    private static String textOf(SqlFile file, String checksum) {
        CheckedText read;
        try {
            read = CheckedText.of(file);
        } catch (FileProblem e) {
            throw new LockstepException(file.displayName() + (e.line() > 0 ? ", line " + e.line() : "") + ": "
                    + e.getMessage(), e);
        }
        if (!read.checksum().equals(checksum) && file.indexed() != null) {
            throw new LockstepException(file.displayName() + " is not the file the build indexed (its checksum "
                    + "differs from " + MigrationIndex.PATH + ", though its size and time match); nothing of it was "
                    + "applied. Rebuild the application, or delete " + MigrationIndex.PATH + " from it.");
        }
        if (!read.checksum().equals(checksum)) {
            throw new LockstepException(file.displayName() + " changed while Lockstep was running; nothing of it was "
                    + "applied. Start again to apply the file as it is now.");
        }
        return read.text();
    }

    /** In unique mode one version per file; in shared mode one (version, name) per file. */
    private List<String> duplicates(List<LoadedMigration> sorted, List<String> locations) {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < sorted.size(); ) {
            int j = i + 1;
            while (j < sorted.size() && clash(sorted.get(i), sorted.get(j))) {
                j++;
            }
            if (j - i > 1) {
                List<String> files = sorted.subList(i, j).stream().map(LoadedMigration::file).toList();
                String lookAlike = normalizationOnly(files) ? " (their names differ only in Unicode normalization, "
                        + "NFC and NFD, so they look the same: one is a copy made on another system; delete it)" : "";
                problems.add(versions == VersionsMode.UNIQUE && !sorted.get(i).repeatable()
                        ? "version " + sorted.get(i).version() + " is used by " + files.size() + " files: "
                                + String.join(", ", files) + lookAlike + twoSets(files, locations)
                                + "; give each its own version, or set "
                                + "lockstep.versions=shared if several files per version are intended"
                        : "migration " + sorted.get(i).id() + " exists "
                                + files.size() + " times: " + String.join(", ", files) + lookAlike + "; keep one");
            }
            i = j;
        }
        return problems;
    }

    /**
     * When the files of one version come from different locations, those may be two sets of files
     * (an application's own and its tenants'), which belong to two targets, not one.
     */
    private static String twoSets(List<String> files, List<String> locations) {
        List<String> from = locations.stream()
                .filter(location -> files.stream().anyMatch(file -> file.startsWith(location + "/"))).toList();
        if (from.size() < 2) {
            return "";
        }
        return " (they are in " + String.join(" and ", from) + ", read as one set of files: if those are two sets, "
                + "say the application's and its tenants', give each its own target, lockstep.targets.<name>.locations, "
                + "and with lockstep-maven-plugin an <execution> of its own: docs/maven-plugin.md, Several sets of files)";
    }

    private static boolean normalizationOnly(List<String> files) {
        long distinct = files.stream().distinct().count();
        return files.stream().map(f -> Normalizer.normalize(f, Normalizer.Form.NFC)).distinct().count() < distinct;
    }

    private boolean clash(LoadedMigration a, LoadedMigration b) {
        // Repeatable migrations are told apart by name whatever the mode.
        return versions == VersionsMode.UNIQUE && !a.repeatable() ? a.version().equals(b.version())
                : a.id().equals(b.id());
    }

    /** A file's text and checksum; its bytes are dropped on return, so a large file is held once. */
    private record CheckedText(String text, String checksum) {

        static CheckedText of(SqlFile file) {
            byte[] bytes = file.read();
            String text = FileText.decode(bytes);
            return new CheckedText(text, Checksums.sha256(bytes, text));
        }
    }
}
