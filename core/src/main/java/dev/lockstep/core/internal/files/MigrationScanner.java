package dev.lockstep.core.internal.files;

import dev.lockstep.core.LockstepConfigurationException;
import dev.lockstep.core.LockstepException;
import dev.lockstep.core.VersionsMode;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.InvalidPathException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Finds the {@code .sql} files below each location, recursively: {@code classpath:} locations in
 * folders and jars (including Spring Boot's nested jars, which answer as {@link JarURLConnection}),
 * {@code filesystem:} locations on disk. A location without a prefix is a classpath location. A
 * location that does not exist is an error: a typo must not look like "nothing to migrate".
 */
public final class MigrationScanner {

    private static final System.Logger LOG = System.getLogger(MigrationScanner.class.getName());

    public static final String SETTING = "lockstep.locations";
    private static final String CLASSPATH = "classpath:";
    /** A build's resource folder: a location under it names a source folder, not a place on the classpath. */
    private static final String RESOURCES = "src/main/resources/";
    private static final String FILESYSTEM = "filesystem:";
    /** Lockstep's folder, the default location, and Flyway's. */
    static final String DEFAULT_FOLDER = "db/migrations";
    private static final String FLYWAY_FOLDER = "db/migration";

    private final ClassLoader classLoader;
    /** Null when the files are to be read whatever an index says: the index writer's own scan. */
    private final IndexedFiles indexes;

    public MigrationScanner(ClassLoader classLoader) {
        this(classLoader, true);
    }

    private MigrationScanner(ClassLoader classLoader, boolean useIndex) {
        this.classLoader = classLoader;
        this.indexes = useIndex ? new IndexedFiles() : null;
    }

    /** A scanner that reads every file, whatever index is there: for writing a new one. */
    public static MigrationScanner readingEveryFile(ClassLoader classLoader) {
        return new MigrationScanner(classLoader, false);
    }

    List<SqlFile> scan(List<String> locations) {
        List<SqlFile> files = new ArrayList<>();
        String indexPath = indexPath(locations);
        for (String location : locations) {
            int before = files.size();
            try {
                if (location.startsWith(FILESYSTEM)) {
                    // filesystem: locations are edited in place: always read.
                    listFolder(location, Path.of(location.substring(FILESYSTEM.length()))).forEach(f ->
                            files.add(f.unindexed(location)));
                } else {
                    scanClasspath(location, files, indexPath);
                }
            } catch (IOException e) {
                throw new LockstepException("Cannot read the migrations in " + location + ": "
                        + FileErrors.describe(e), e);
            }
            if (files.size() == before) {
                String path = location.startsWith(FILESYSTEM) ? "" : classpathPath(location);
                LOG.log(Level.WARNING, location + " holds no .sql file, so nothing is migrated from it; " + flywaysFolder(path)
                        .orElse("if the migrations are elsewhere, correct " + SETTING + " (files and folders whose names "
                                + "start with a dot are skipped)"));
            }
        }
        return files;
    }

    public static boolean hasNoPrefix(String location) {
        return !location.startsWith(CLASSPATH) && !location.startsWith(FILESYSTEM);
    }

    /** Checks the syntax of a configured location without touching the disk. */
    public static void validate(String location) {
        if (location == null || location.isBlank()) {
            throw new LockstepConfigurationException(SETTING, "a location is empty; use classpath:db/migrations "
                    + "or filesystem:/path/to/migrations");
        }
        int colon = location.indexOf(':');
        if (colon > 1 && !location.startsWith(CLASSPATH) && !location.startsWith(FILESYSTEM)) {
            throw new LockstepConfigurationException(SETTING, "'" + location + "' has an unknown prefix; "
                    + "use classpath: or filesystem:");
        }
    }

    /** Where the build's index of this set of locations is: {@link MigrationIndex#pathFor} its classpath folders. */
    private static String indexPath(List<String> locations) {
        return MigrationIndex.pathFor(locations.stream().filter(l -> !l.startsWith(FILESYSTEM))
                .map(MigrationScanner::classpathPath).toList());
    }

    private void scanClasspath(String location, List<SqlFile> files, String indexPath) throws IOException {
        String path = classpathPath(location);
        Enumeration<URL> roots = classLoader.getResources(path);
        if (!roots.hasMoreElements()) {
            throw missing(location, path);
        }
        while (roots.hasMoreElements()) {
            URL root = roots.nextElement();
            if (root.getProtocol().equals("resource")) {
                // A GraalVM native image: the resources its hints included form a file system of their own.
                listFolder(location, nativeImageResource(root)).forEach(f -> files.add(f.unindexed(location)));
                continue;
            }
            Listing listing = list(location, path, root, false, indexPath);
            if (listing == null) {
                throw new LockstepConfigurationException(SETTING, location + " resolved to " + root
                        + ", which Lockstep cannot list; use a filesystem: location");
            }
            if (indexes == null) {
                listing.found().forEach(f -> files.add(f.unindexed(location)));
            } else {
                indexes.check(location, path, listing.found(), listing.index()).forEach(files::add);
            }
        }
    }

    /**
     * What the tracker holds once every migration of these locations is applied, from the build's
     * index alone: its head is read, no file line, and no file is looked up one by one. Present only
     * when every location is a classpath folder found in one place, all of them in one index that
     * lists exactly these locations, checked in a versions mode that passes {@code versions}, and
     * each location holds exactly the files the index counts (same count and listing sums). Anything
     * else is empty; the full scan that follows says why in a WARN when an index was there.
     */
    public Optional<IndexSummary> indexSummary(List<String> locations, VersionsMode versions) {
        if (indexes == null || locations.isEmpty()) {
            return Optional.empty();
        }
        MigrationIndex index = null;
        String where = null;
        String indexPath = indexPath(locations);
        Set<String> folders = new HashSet<>();
        try {
            for (String location : locations) {
                if (location.startsWith(FILESYSTEM)) {
                    return Optional.empty();
                }
                String path = classpathPath(location);
                Enumeration<URL> roots = classLoader.getResources(path);
                URL root = roots.hasMoreElements() ? roots.nextElement() : null;
                if (root == null || roots.hasMoreElements() || root.getProtocol().equals("resource")) {
                    return Optional.empty();
                }
                Listing listing = list(location, path, root, true, indexPath);
                if (listing == null || unusable(listing.index())
                        || (where != null && !where.equals(listing.index().where()))) {
                    return Optional.empty();
                }
                index = listing.index().index();
                where = listing.index().where();
                if (!IndexedFiles.sameListing(index, path, listing.found(), listing.index().jar())) {
                    return Optional.empty();
                }
                folders.add(path);
            }
        } catch (IOException | LockstepException e) {
            return Optional.empty(); // the full scan meets it again and reports it
        }
        boolean versionsPass = index.versions() == VersionsMode.UNIQUE || index.versions() == versions;
        if (!versionsPass || index.locations().size() != folders.size()) {
            return Optional.empty();
        }
        return Optional.of(new IndexSummary(where, index.applied().ups(), index.applied().digest()));
    }

    /** The files below one classpath root, and its index when there is one (null when none is looked for). */
    private record Listing(List<Found> found, IndexedFiles.Source index) {
    }

    /**
     * Null for a root that is neither a folder nor a jar. With {@code headOnly}, a root without a
     * usable index is not listed (its files come back empty): the up-to-date check has no use for
     * them, and an application without an index should not list its files twice.
     */
    private Listing list(String location, String path, URL root, boolean headOnly, String indexPath)
            throws IOException {
        if (root.getProtocol().equals("file")) {
            Path folder;
            try {
                folder = Path.of(root.toURI());
            } catch (URISyntaxException e) {
                throw new IOException("unreadable classpath URL " + root, e);
            }
            IndexedFiles.Source index = indexes == null ? null : IndexedFiles.inFolder(folder, path, indexPath, headOnly);
            if (headOnly && unusable(index)) {
                return new Listing(List.of(), index);
            }
            return new Listing(listFolder(location, folder), index);
        }
        if (root.openConnection() instanceof JarURLConnection jar) {
            return listJar(jar, headOnly, indexPath);
        }
        return null;
    }

    private static Path nativeImageResource(URL root) throws IOException {
        try {
            URI uri = root.toURI();
            try {
                return Path.of(uri);
            } catch (FileSystemNotFoundException e) {
                FileSystems.newFileSystem(uri, Map.of());
                return Path.of(uri);
            }
        } catch (URISyntaxException e) {
            throw new IOException("unreadable classpath URL " + root, e);
        }
    }

    /** Fails naming the setting when the location does not exist; reads no file. */
    public void requireExists(String location) {
        if (location.startsWith(FILESYSTEM)) {
            Path folder = Path.of(location.substring(FILESYSTEM.length()));
            if (!Files.isDirectory(folder)) {
                throw notAFolder(location, folder);
            }
        } else {
            String path = classpathPath(location);
            if (classLoader.getResource(path) == null) {
                throw missing(location, path);
            }
        }
    }

    /** A classpath location not found, with Flyway's folder named when it is there instead. */
    private LockstepConfigurationException missing(String location, String path) {
        return flywaysFolder(path).map(flyway -> new LockstepConfigurationException(SETTING, location
                + " is not on the classpath, but " + flyway)).orElseGet(() -> notOnClasspath(location, path));
    }

    /**
     * For Lockstep's default folder, when Flyway's ({@code db/migration}) is on the classpath: what to
     * do with the files left there by a move from Flyway, whose names Lockstep reads as they are.
     */
    private Optional<String> flywaysFolder(String path) {
        if (!path.equals(DEFAULT_FOLDER) || classLoader.getResource(FLYWAY_FOLDER) == null) {
            return Optional.empty();
        }
        return Optional.of("classpath:" + FLYWAY_FOLDER + ", Flyway's folder, is: Lockstep reads its V<version>__<name>"
                + ".sql files as they are named. Move them to src/main/resources/" + DEFAULT_FOLDER + " (git mv "
                + "src/main/resources/" + FLYWAY_FOLDER + " src/main/resources/" + DEFAULT_FOLDER + "), or set "
                + SETTING + "=classpath:" + FLYWAY_FOLDER + ".");
    }

    private static LockstepConfigurationException notAFolder(String location, Path folder) {
        return new LockstepConfigurationException(SETTING, location + " is not an existing folder ("
                + folder.toAbsolutePath() + "); create it or correct " + SETTING);
    }

    private static LockstepConfigurationException notOnClasspath(String location, String path) {
        boolean noPrefix = !location.startsWith(CLASSPATH);
        String read = noPrefix ? " (a location without a prefix is read as classpath:" + path + ")" : "";
        if (noPrefix && path.startsWith(RESOURCES)) {
            // The source folder of a build: what the application's jar holds is the path below it.
            return new LockstepConfigurationException(SETTING, location + " is not on the classpath" + read
                    + "; write classpath:" + path.substring(RESOURCES.length()) + ", the folder as the built "
                    + "application sees it.");
        }
        Path onDisk = pathOrNull(location);
        if (noPrefix && onDisk != null && Files.isDirectory(onDisk)) {
            return new LockstepConfigurationException(SETTING, location + " is not on the classpath" + read
                    + "; a folder of that name exists on disk: write filesystem:" + onDisk.toAbsolutePath()
                    + " to read it.");
        }
        return new LockstepConfigurationException(SETTING, location + " is not on the classpath" + read + "; create "
                + "src/main/resources/" + path + " or point " + SETTING + " at the folder that holds the migrations "
                + "(a jar built without folder entries hides its folders from the class loader too).");
    }

    private static Path pathOrNull(String location) {
        try {
            return Path.of(location);
        } catch (InvalidPathException e) {
            return null;
        }
    }

    private static String classpathPath(String location) {
        return stripSlashes(location.startsWith(CLASSPATH) ? location.substring(CLASSPATH.length()) : location);
    }

    /**
     * Every {@code .sql} file below the folder, following symbolic links (a location, file or
     * subfolder may be one: Kubernetes ConfigMap volumes and monorepos use them). Names starting
     * with a dot are skipped: they are hidden files, editors' and macOS's side files, and the
     * {@code ..data} links through which a ConfigMap volume shows each file a second time.
     */
    private static List<Found> listFolder(String location, Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw notAFolder(location, folder);
        }
        List<Found> sqlFiles = new ArrayList<>();
        Files.walkFileTree(folder, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE,
                new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                        return !dir.equals(folder) && hidden(dir) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                        if (hidden(file) || !isSql(file.getFileName().toString())) {
                            return FileVisitResult.CONTINUE;
                        }
                        if (attributes.isSymbolicLink()) {
                            // FOLLOW_LINKS reports a link as itself only when its target is gone.
                            throw new NoSuchFileException(file + " -> " + Files.readSymbolicLink(file));
                        }
                        if (attributes.isRegularFile()) {
                            // Joined by hand: on Linux a backslash is part of a file name, not a separator.
                            StringJoiner relative = new StringJoiner("/");
                            folder.relativize(file).forEach(part -> relative.add(part.toString()));
                            sqlFiles.add(new Found(relative.toString(), attributes.size(),
                                    attributes.lastModifiedTime().toMillis(), Found.NO_CRC, () -> Files.readAllBytes(file)));
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                        if (hidden(file) && !(e instanceof FileSystemLoopException)) {
                            return FileVisitResult.CONTINUE;
                        }
                        throw e;
                    }
                });
        sqlFiles.sort(Comparator.comparing(Found::relativePath));
        return sqlFiles;
    }

    private static boolean hidden(Path path) {
        Path name = path.getFileName();
        return name != null && name.toString().startsWith(".");
    }

    private Listing listJar(JarURLConnection connection, boolean headOnly, String indexPath) throws IOException {
        connection.setUseCaches(false);
        String prefix = stripSlashes(connection.getEntryName()) + "/";
        // jar:file:/app.jar!/ or, in a Spring Boot jar, jar:nested:/app.jar/!BOOT-INF/classes/!/
        String root = connection.getURL().toString();
        String jarBase = root.substring(0, root.lastIndexOf("!/") + 2);
        List<Found> found = new ArrayList<>();
        try (JarFile jar = connection.getJarFile()) {
            IndexedFiles.Source index = indexes == null ? null : IndexedFiles.inJar(jar, jarBase, indexPath, headOnly);
            if (headOnly && unusable(index)) {
                return new Listing(List.of(), index);
            }
            for (JarEntry entry : (Iterable<JarEntry>) jar.stream()::iterator) {
                String name = entry.getName();
                String relative = name.startsWith(prefix) ? name.substring(prefix.length()) : null;
                if (!entry.isDirectory() && relative != null && isSql(name) && !hiddenPart(relative)) {
                    // Size and CRC come from the jar's directory: nothing is read to compare them.
                    found.add(new Found(relative, entry.getSize(), Found.NO_TIME, entry.getCrc(),
                            () -> readUrl(new URL(jarBase + name))));
                }
            }
            return new Listing(found, index);
        }
    }

    private static boolean unusable(IndexedFiles.Source index) {
        return index == null || index.index() == null;
    }

    private static boolean hiddenPart(String relativePath) {
        for (String part : relativePath.split("/")) {
            if (part.startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static byte[] readUrl(URL url) throws IOException {
        URLConnection connection = url.openConnection();
        // Without caches the jar is closed again once read, as at scan time.
        connection.setUseCaches(false);
        try (InputStream in = connection.getInputStream()) {
            return in.readAllBytes();
        }
    }

    private static boolean isSql(String fileName) {
        return fileName.toLowerCase(Locale.ROOT).endsWith(".sql");
    }

    private static String stripSlashes(String path) {
        String p = path;
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }
}
