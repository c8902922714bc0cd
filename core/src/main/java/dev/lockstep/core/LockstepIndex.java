package dev.lockstep.core;

import dev.lockstep.core.internal.files.DownMigration;
import dev.lockstep.core.internal.files.FileFacts;
import dev.lockstep.core.internal.files.LoadedMigration;
import dev.lockstep.core.internal.files.MigrationIndex;
import dev.lockstep.core.internal.files.MigrationLoader;
import dev.lockstep.core.internal.files.MigrationScanner;
import dev.lockstep.core.internal.lint.LintCheck;
import dev.lockstep.core.internal.tracker.Tracker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.zip.CRC32;

/**
 * Writes the build-time index of one set of files in a classes directory ({@value #PATH} for the
 * default set, {@link #pathFor} another's): what a start needs to know of every migration file
 * without reading it. {@code lockstep-maven-plugin}'s {@code index} goal calls
 * it after the resources are copied; the format is described in docs/maven-plugin.md.
 *
 * <p>The files are read and checked by the engine's own loader first, so a build with a bad file
 * fails with the message a start would give, and no index is written for it.
 */
public final class LockstepIndex {

    public static final String PATH = MigrationIndex.PATH;

    /** Where the index of a set of {@code classpath:} locations is written and looked up, below the root. */
    public static String pathFor(List<String> locations) {
        return MigrationIndex.pathFor(locations.stream().map(LockstepIndex::folderOf).toList());
    }
    public static final int FORMAT = MigrationIndex.FORMAT;

    /** The written index and how many files it lists. */
    public record Written(Path file, int files) {
    }

    private LockstepIndex() {
    }

    /**
     * Indexes the files of these {@code classpath:} locations (or locations without a prefix), one
     * set, found below {@code root}, replacing that set's index ({@link #pathFor}); other sets'
     * indexes are left as they are.
     *
     * @throws MigrationFileException listing every bad file; no index is written
     * @throws IllegalArgumentException for a {@code filesystem:} location, which is never indexed
     */
    public static Written write(Path root, List<String> locations, VersionsMode versions) {
        locations.forEach(MigrationScanner::validate);
        for (String location : locations) {
            if (location.startsWith("filesystem:")) {
                throw new IllegalArgumentException(location + " is read from disk at every start; only classpath: "
                        + "locations are indexed");
            }
        }
        try (URLClassLoader onlyRoot = new URLClassLoader(new URL[] {url(root)}, null)) {
            List<LoadedMigration> ups = new MigrationLoader(MigrationScanner.readingEveryFile(onlyRoot), versions).load(locations);
            Map<String, List<String>> lint = new HashMap<>();
            List<LintFinding> findings = new ArrayList<>(LintCheck.findings(ups, m -> true));
            findings.addAll(LintCheck.downFindings(ups));
            findings.forEach(f -> lint.computeIfAbsent(f.file(), file -> new ArrayList<>())
                    .add(f.rule().id() + "@" + f.line()));
            Map<String, Listed> listed = new TreeMap<>();
            long applied = 0;
            for (LoadedMigration up : ups) {
                String path = pathOf(up.file(), locations);
                listed.put(path, listed(root, path, up.checksum(), up.version(), up.name(), "up", Optional.of(up.facts()),
                        lint.getOrDefault(up.file(), List.of())));
                applied += Tracker.digestOf(up.id(), up.checksum());
                if (up.down().isPresent()) {
                    DownMigration down = up.down().get();
                    String downPath = pathOf(down.file(), locations);
                    // A down undo refuses is listed all the same, so the listing sums count every file.
                    listed.put(downPath, listed(root, downPath, down.checksum(), up.version(), up.name(), "down",
                            down.refusal().isEmpty() ? Optional.of(down.facts()) : Optional.empty(),
                            lint.getOrDefault(down.file(), List.of())));
                }
            }
            StringBuilder text = new StringBuilder(MigrationIndex.header()).append('\n')
                    .append("# Written by lockstep-maven-plugin (goal index). A start uses it instead of reading the "
                            + "files while they match it; rebuild, do not edit.\n")
                    .append("versions\t").append(versions.name().toLowerCase(Locale.ROOT)).append('\n')
                    .append("applied\t").append(ups.size()).append('\t').append(Long.toHexString(applied)).append('\n')
                    .append("# location\tfolder\tfiles\tcrc-listing\ttime-listing\n");
            for (String location : locations) {
                text.append(locationLine(folderOf(location), listed)).append('\n');
            }
            text.append("# file\tpath\tsize\tmodified-ms\tcrc32\tsha256\tplaceholders\tversion\tname\tdirection"
                    + "\ttransaction\tstatements\tlint-ignore\tlint\n");
            listed.values().forEach(f -> text.append(f.line()).append('\n'));
            Path file = root.resolve(pathFor(locations));
            Files.createDirectories(file.getParent());
            Path temporary = Files.createTempFile(file.getParent(), "index", ".tmp");
            Files.writeString(temporary, text, StandardCharsets.UTF_8);
            // A start reading the index at the same moment sees the old one or the new one, never half.
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return new Written(file, listed.size());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + root.resolve(pathFor(locations)) + ": " + e.getMessage(), e);
        }
    }

    /** One indexed file: its line, and what a start compares it by without reading it. */
    private record Listed(long size, long modified, long crc, String line) {
    }

    private static Listed listed(Path root, String path, String checksum, MigrationVersion version, String name,
            String direction, Optional<FileFacts> analysed, List<String> lint) throws IOException {
        Path file = root.resolve(path);
        byte[] bytes = Files.readAllBytes(file);
        boolean placeholders = new String(bytes, StandardCharsets.UTF_8).contains(MigrationIndex.PLACEHOLDERS);
        CRC32 crc = new CRC32();
        crc.update(bytes);
        long modified = Files.getLastModifiedTime(file).toMillis();
        Set<LintRule> ignored = analysed.map(FileFacts::lintIgnored).orElse(Set.of());
        return new Listed(bytes.length, modified, crc.getValue(), String.join("\t", "file", MigrationIndex.escape(path),
                String.valueOf(bytes.length), String.valueOf(modified), Long.toHexString(crc.getValue()), checksum,
                placeholders ? MigrationIndex.PLACEHOLDERS : "-",
                version.toString(), MigrationIndex.escape(name), direction,
                analysed.map(facts -> facts.outsideTransaction().map(why -> "no: " + why.replace('\t', ' '))
                        .orElse("yes")).orElse("-"),
                String.valueOf(analysed.map(FileFacts::statementCount).orElse(0)),
                ignored.isEmpty() ? "-" : ignored.stream().map(LintRule::id).sorted().collect(Collectors.joining(",")),
                lint.isEmpty() ? "-" : String.join(",", lint)));
    }

    /** A location's line: its folder, how many files below it, and their two listing sums. */
    private static String locationLine(String folder, Map<String, Listed> listed) {
        String prefix = folder.isEmpty() ? "" : folder + "/";
        int files = 0;
        long crcListing = 0;
        long timeListing = 0;
        for (Map.Entry<String, Listed> entry : listed.entrySet()) {
            if (entry.getKey().startsWith(prefix)) {
                String relative = entry.getKey().substring(prefix.length());
                Listed file = entry.getValue();
                files++;
                crcListing += MigrationIndex.listingTerm(relative, file.size(), file.crc());
                timeListing += MigrationIndex.listingTerm(relative, file.size(), file.modified());
            }
        }
        return String.join("\t", "location", MigrationIndex.escape(folder), String.valueOf(files),
                Long.toHexString(crcListing), Long.toHexString(timeListing));
    }

    /** {@code classpath:db/migrations/a/1_x.up.sql} → {@code db/migrations/a/1_x.up.sql}. */
    private static String pathOf(String displayName, List<String> locations) {
        for (String location : locations) {
            if (displayName.startsWith(location + "/")) {
                String folder = folderOf(location);
                return (folder.isEmpty() ? "" : folder + "/") + displayName.substring(location.length() + 1);
            }
        }
        throw new IllegalStateException(displayName + " is in none of " + locations);
    }

    /** The folder below the root a classpath location names, without slashes at either end. */
    private static String folderOf(String location) {
        String path = location.startsWith("classpath:") ? location.substring("classpath:".length()) : location;
        while (path.startsWith("/")) {
            path = path.substring(1);
        }
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return path;
    }

    private static URL url(Path root) {
        try {
            return root.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(root + " cannot be a class path entry", e);
        }
    }
}
