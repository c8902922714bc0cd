package dev.lockstep.core.internal.files;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Decides, for the files a scan found in one classpath root, whether that root's build-time index
 * ({@link MigrationIndex}) may stand in for reading them: only when it lists exactly these files,
 * each with the same size and time (folder) or CRC-32 (jar). Anything else, a file edited in an IDE
 * without a build, a file added or removed, an index of another format, and the files are read as
 * without an index, said once per index in a WARN.
 */
final class IndexedFiles {

    private static final System.Logger LOG = System.getLogger(MigrationScanner.class.getName());
    private static final String REBUILD = "rebuild (mvn process-resources runs lockstep-maven-plugin's index goal) "
            + "to start without reading them";

    /** A root's index, or why it cannot be used; {@code where} names it in messages. */
    record Source(String where, MigrationIndex index, String refusal, boolean jar) {
    }

    private final Set<String> told = new HashSet<>();

    /**
     * The index at {@code indexPath} of the classes folder that holds {@code folder}, the location's
     * path {@code path} below it.
     */
    static Source inFolder(Path folder, String path, String indexPath, boolean headOnly) {
        if (path.isEmpty()) {
            return null;
        }
        Path root = folder;
        for (int i = path.split("/").length; i > 0 && root != null; i--) {
            root = root.getParent();
        }
        Path file = root == null ? null : root.resolve(indexPath);
        if (file == null || !Files.isRegularFile(file)) {
            return null;
        }
        try (InputStream in = Files.newInputStream(file)) {
            return read(file.toString(), in, false, headOnly);
        }  catch (IOException e) {
            return new Source(file.toString(), null, "it cannot be read (" + FileErrors.describe(e) + ")", false);
        }
    }

    /**
     * The index at {@code indexPath} of the jar the location is in. In a Spring Boot jar the classes are below
     * {@code BOOT-INF/classes/} ({@code jar:nested:/app.jar/!BOOT-INF/classes/!/}), but repackaging
     * keeps {@code META-INF/} at the jar's root, so the index is looked up there too.
     */
    static Source inJar(JarFile jar, String jarBase, String indexPath, boolean headOnly) {
        JarEntry entry = jar.getJarEntry(indexPath);
        if (entry != null) {
            return readEntry(jar, entry, jarBase + indexPath, headOnly);
        }
        String nested = "jar:nested:";
        int classes = jarBase.indexOf("/!BOOT-INF/classes/");
        if (!jarBase.startsWith(nested) || classes < 0) {
            return null;
        }
        String outerPath = jarBase.substring(nested.length(), classes);
        try (JarFile outer = new JarFile(Path.of(URI.create("file://" + outerPath)).toFile())) {
            JarEntry atRoot = outer.getJarEntry(indexPath);
            return atRoot == null ? null : readEntry(outer, atRoot, outerPath + "!/" + indexPath, headOnly);
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    private static Source readEntry(JarFile jar, JarEntry entry, String where, boolean headOnly) {
        try (InputStream in = jar.getInputStream(entry)) {
            return read(where, in, true, headOnly);
        } catch (IOException e) {
            return new Source(where, null, "it cannot be read (" + FileErrors.describe(e) + ")", true);
        }
    }

    private static Source read(String where, InputStream in, boolean jar, boolean headOnly) throws IOException {
        try {
            return new Source(where, MigrationIndex.read(in, headOnly), null, jar);
        } catch (MigrationIndex.Refused e) {
            return new Source(where, null, e.getMessage(), jar);
        }
    }

    /**
     * The found files of {@code location} (path {@code folder} below the root), each with the index's
     * checksum when the index matches them all, else each to be read.
     */
    List<SqlFile> check(String location, String folder, List<Found> found, Source source) {
        List<SqlFile> files = new ArrayList<>(found.size());
        String unusable = source == null ? "" : source.refusal() != null ? source.refusal()
                : !source.index().covers(folder) ? "" : difference(folder, found, source);
        if (source == null || unusable != null) {
            if (unusable != null && !unusable.isEmpty() && told.add(source.where())) {
                LOG.log(Level.WARNING, source.where() + " is not used: " + unusable + ". Lockstep reads the files "
                        + "instead; " + REBUILD + ".");
            }
            found.forEach(f -> files.add(f.unindexed(location)));
            return files;
        }
        for (Found file : found) {
            files.add(file.indexed(location, source.index().entry(folder + "/" + file.relativePath())));
        }
        LOG.log(Level.INFO, () -> location + ": " + found.size() + " file(s) known from the build's index "
                + source.where() + "; a file is read only when it runs");
        return files;
    }

    /**
     * Whether the files found below {@code folder} are the ones the index counts there, by their
     * number and listing sum alone ({@link MigrationIndex#listingTerm}): CRC-32s in a jar, times in
     * a folder.
     */
    static boolean sameListing(MigrationIndex index, String folder, List<Found> found, boolean jar) {
        for (MigrationIndex.Location location : index.locations()) {
            if (location.folder().equals(folder)) {
                long listing = 0;
                for (Found file : found) {
                    listing += MigrationIndex.listingTerm(file.relativePath(), file.size(),
                            jar ? file.crc() : file.modified());
                }
                return location.files() == found.size()
                        && listing == (jar ? location.crcListing() : location.timeListing());
            }
        }
        return false;
    }

    /** The first way the files differ from what the index lists, or null when they are the same. */
    private static String difference(String folder, List<Found> found, Source source) {
        for (Found file : found) {
            String path = folder + "/" + file.relativePath();
            MigrationIndex.Entry entry = source.index().entry(path);
            if (entry == null) {
                return path + " is not in it (added since the build)";
            }
            boolean same = entry.size() == file.size()
                    && (source.jar() ? entry.crc32() == file.crc() : entry.modified() == file.modified());
            if (!same) {
                return path + " changed since the build wrote it (" + (entry.size() != file.size() ? "size "
                        + entry.size() + " then, " + file.size() + " now" : source.jar() ? "another CRC-32"
                        : "another modification time") + ")";
            }
        }
        int listed = source.index().countUnder(folder);
        if (listed != found.size()) {
            return (listed - found.size()) + " file(s) it lists below " + folder + " are gone";
        }
        return null;
    }
}
