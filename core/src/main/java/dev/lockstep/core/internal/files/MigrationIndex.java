package dev.lockstep.core.internal.files;

import dev.lockstep.core.VersionsMode;
import dev.lockstep.core.internal.sql.PostgresHash;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The build-time index of a classes directory or jar ({@value #PATH}), written by
 * {@code lockstep-maven-plugin}'s {@code index} goal: every migration file's size, time and CRC-32,
 * so a start can tell that the file is the one indexed without reading it, and its checksum, so a
 * start needs no file that the tracker records as applied. Version, name, transaction mode, statement
 * count and lint findings are written too, for people and tools; the engine analyses a file it runs
 * from the file itself.
 *
 * <p>Format {@value #FORMAT}: UTF-8 text, one record a line, fields separated by tabs ({@code \t},
 * {@code \n} and {@code \\} escaped in paths); lines starting with {@code #} are comments. The
 * lines before the first {@code file} line are the head, which is all a start with nothing to do
 * reads.
 * <pre>
 * lockstep-index	2
 * versions	unique|shared
 * applied	ups	digest-hex
 * location	db/migrations	files	crc-listing-hex	time-listing-hex
 * file	db/migrations/0001_init.up.sql	size	modified-ms	crc32-hex	sha256	placeholders	version	name	up|down	transaction	statements	lint-ignore	lint
 * </pre>
 * {@code versions} is the mode the files were checked in. {@code applied} is what the tracker holds
 * once every up migration is applied: how many rows and their digest ({@code Tracker.digestOf},
 * summed). A {@code location} line names a folder below the root whose files are all listed, how
 * many, and two sums of {@link #listingTerm} over them, one with each file's CRC-32 (for a jar) and
 * one with its modification time (for a folder), so a start can tell that the folder holds exactly
 * the listed files without looking each up; {@code transaction}
 * is {@code yes} or {@code no: <why>}; {@code placeholders} is <code>${</code> when the text holds one, else {@code -}; {@code lint-ignore} and {@code lint} ({@code rule@line}) are
 * comma-separated, {@code -} when empty.
 */
public final class MigrationIndex {

    /** The index of the default set, {@code classpath:db/migrations}; another set's is {@link #pathFor}. */
    public static final String PATH = "META-INF/lockstep/index";
    public static final int FORMAT = 2;
    static final String MAGIC = "lockstep-index";
    /** The placeholders field of a file whose text holds {@code ${}; {@code -} otherwise. */
    public static final String PLACEHOLDERS = "${";

    /**
     * Where the index of one set of files is, from its folders (paths below the root, in the order
     * configured): {@link #PATH} for the default set, else {@code META-INF/lockstep/index-} and the
     * folders, {@code /} written as {@code .} and joined by {@code +}
     * ({@code db/tenants} → {@code META-INF/lockstep/index-db.tenants}). Each set has its own: an
     * application with targets (its main set, a tenants set) starts every target from its index,
     * and the digest of what the tracker holds when all is applied is per set, as trackers are.
     */
    public static String pathFor(List<String> folders) {
        if (folders.equals(List.of(MigrationScanner.DEFAULT_FOLDER))) {
            return PATH;
        }
        StringBuilder name = new StringBuilder(PATH).append('-');
        for (int i = 0; i < folders.size(); i++) {
            name.append(i == 0 ? "" : "+");
            for (char c : folders.get(i).toCharArray()) {
                name.append(c == '/' ? '.' : Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.' ? c : '_');
            }
        }
        return name.toString();
    }

    /** The first line of an index of this format. */
    public static String header() {
        return MAGIC + "\t" + FORMAT;
    }

    /** What the engine checks and uses of one indexed file. */
    record Entry(long size, long modified, long crc32, String checksum, boolean placeholders) {
    }

    /**
     * A folder whose files are all listed.
     *
     * @param folder the path below the root
     * @param files how many files below it are listed
     * @param crcListing the sum of {@link #listingTerm} with each file's CRC-32
     * @param timeListing the sum of {@link #listingTerm} with each file's modification time
     */
    record Location(String folder, int files, long crcListing, long timeListing) {
    }

    /** What the tracker holds once every indexed up migration is applied: how many rows, and their digest. */
    record Applied(int ups, long digest) {
    }

    /** An index the engine cannot use: another format, or unreadable. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    private final VersionsMode versions;
    private final Applied applied;
    private final List<Location> locations;
    private final Map<String, Entry> files;

    private MigrationIndex(VersionsMode versions, Applied applied, List<Location> locations, Map<String, Entry> files) {
        this.versions = versions;
        this.applied = applied;
        this.locations = List.copyOf(locations);
        this.files = files;
    }

    /** Whether every file below {@code folder} (a path below the root) is listed. */
    boolean covers(String folder) {
        return locations.stream().map(Location::folder).anyMatch(l -> folder.equals(l) || folder.startsWith(l + "/"));
    }

    /** The mode its files were checked in: they pass {@code unique} only if it is {@code unique}. */
    VersionsMode versions() {
        return versions;
    }

    Applied applied() {
        return applied;
    }

    List<Location> locations() {
        return locations;
    }

    /**
     * One file's part of a location's listing sums: a 64-bit hash of its path below the location,
     * its size and its CRC-32 or modification time. Summed (wrapping) so the order files are met in
     * does not matter.
     */
    public static long listingTerm(String relativePath, long size, long crcOrTime) {
        return PostgresHash.textExtended(relativePath + "\t" + size + "\t" + crcOrTime);
    }

    /** The entry of a file, by its path below the root. */
    Entry entry(String path) {
        return files.get(path);
    }

    /** How many files below {@code folder} it lists. */
    int countUnder(String folder) {
        String prefix = folder + "/";
        int count = 0;
        for (String path : files.keySet()) {
            if (path.startsWith(prefix)) {
                count++;
            }
        }
        return count;
    }

    /**
     * Reads an index, only the fields the engine uses; with {@code headOnly}, only the lines
     * before the first file line.
     *
     * @throws Refused for another format than {@value #FORMAT}, naming both
     */
    static MigrationIndex read(InputStream in, boolean headOnly) throws IOException, Refused {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 64 * 1024);
        String header = reader.readLine();
        String[] head = header == null ? new String[0] : header.split("\t");
        if (head.length != 2 || !head[0].equals(MAGIC)) {
            throw new Refused("it does not start with '" + MAGIC + "\t<format>'");
        }
        if (!head[1].equals(String.valueOf(FORMAT))) {
            throw new Refused("it has format " + head[1] + ", and this Lockstep reads format " + FORMAT
                    + (isOlder(head[1]) ? " (an older lockstep-maven-plugin wrote it)" : " (a newer lockstep-maven-plugin "
                            + "wrote it)"));
        }
        VersionsMode versions = null;
        Applied applied = null;
        List<Location> locations = new ArrayList<>();
        Map<String, Entry> files = new HashMap<>();
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            try {
                if (line.startsWith("file\t")) {
                    if (headOnly) {
                        break;
                    }
                    String[] f = line.split("\t", 8);
                    if (f.length < 8) {
                        throw new Refused("a file line has " + f.length + " fields: " + line);
                    }
                    files.put(unescape(f[1]), new Entry(Long.parseLong(f[2]), Long.parseLong(f[3]),
                            Long.parseLong(f[4], 16), f[5], f[6].equals(PLACEHOLDERS)));
                } else if (line.startsWith("location\t")) {
                    String[] f = line.split("\t");
                    if (f.length != 5) {
                        throw new Refused("a location line has " + f.length + " fields: " + line);
                    }
                    locations.add(new Location(unescape(f[1]), Integer.parseInt(f[2]), Long.parseUnsignedLong(f[3], 16),
                            Long.parseUnsignedLong(f[4], 16)));
                } else if (line.startsWith("applied\t")) {
                    String[] f = line.split("\t");
                    applied = new Applied(Integer.parseInt(f[1]), Long.parseUnsignedLong(f[2], 16));
                } else if (line.startsWith("versions\t")) {
                    versions = VersionsMode.valueOf(line.substring("versions\t".length()).toUpperCase(Locale.ROOT));
                }
            } catch (RuntimeException e) {
                throw new Refused("a line is unreadable: " + line);
            }
        }
        if (versions == null || applied == null) {
            throw new Refused("its head lacks the versions or applied line");
        }
        return new MigrationIndex(versions, applied, locations, files);
    }

    private static boolean isOlder(String format) {
        try {
            return Integer.parseInt(format) < FORMAT;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    public static String escape(String path) {
        return path.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n");
    }

    static String unescape(String field) {
        if (field.indexOf('\\') < 0) {
            return field;
        }
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 1 < field.length()) {
                char next = field.charAt(++i);
                out.append(next == 't' ? '\t' : next == 'n' ? '\n' : next);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
