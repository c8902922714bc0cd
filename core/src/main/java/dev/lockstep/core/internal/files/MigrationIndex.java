package dev.lockstep.core.internal.files;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
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
 * {@code \n} and {@code \\} escaped in paths); lines starting with {@code #} are comments.
 * <pre>
 * lockstep-index	1
 * location	db/migrations
 * file	db/migrations/0001_init.up.sql	size	modified-ms	crc32-hex	sha256	placeholders	version	name	up|down	transaction	statements	lint-ignore	lint
 * </pre>
 * A {@code location} line names a folder below the root whose files are all listed; {@code transaction}
 * is {@code yes} or {@code no: <why>}; {@code placeholders} is <code>${</code> when the text holds one, else {@code -}; {@code lint-ignore} and {@code lint} ({@code rule@line}) are
 * comma-separated, {@code -} when empty.
 */
public final class MigrationIndex {

    public static final String PATH = "META-INF/lockstep/index";
    public static final int FORMAT = 1;
    static final String MAGIC = "lockstep-index";
    /** The placeholders field of a file whose text holds {@code ${}; {@code -} otherwise. */
    public static final String PLACEHOLDERS = "${";

    /** The first line of an index of this format. */
    public static String header() {
        return MAGIC + "\t" + FORMAT;
    }

    /** What the engine checks and uses of one indexed file. */
    record Entry(long size, long modified, long crc32, String checksum, boolean placeholders) {
    }

    /** An index the engine cannot use: another format, or unreadable. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    private final List<String> locations;
    private final Map<String, Entry> files;

    private MigrationIndex(List<String> locations, Map<String, Entry> files) {
        this.locations = List.copyOf(locations);
        this.files = files;
    }

    /** Whether every file below {@code folder} (a path below the root) is listed. */
    boolean covers(String folder) {
        return locations.stream().anyMatch(l -> folder.equals(l) || folder.startsWith(l + "/"));
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
     * Reads an index, only the fields the engine uses.
     *
     * @throws Refused for another format than {@value #FORMAT}, naming both
     */
    static MigrationIndex read(InputStream in) throws IOException, Refused {
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
        List<String> locations = new java.util.ArrayList<>();
        Map<String, Entry> files = new HashMap<>();
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            if (line.startsWith("file\t")) {
                String[] f = line.split("\t", 8);
                if (f.length < 8) {
                    throw new Refused("a file line has " + f.length + " fields: " + line);
                }
                try {
                    files.put(unescape(f[1]), new Entry(Long.parseLong(f[2]), Long.parseLong(f[3]),
                            Long.parseLong(f[4], 16), f[5], f[6].equals(PLACEHOLDERS)));
                } catch (NumberFormatException e) {
                    throw new Refused("a file line is unreadable: " + line);
                }
            } else if (line.startsWith("location\t")) {
                locations.add(unescape(line.substring("location\t".length())));
            }
        }
        return new MigrationIndex(locations, files);
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
