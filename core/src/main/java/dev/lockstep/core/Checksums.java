package dev.lockstep.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 of a migration's text, so a file edited after it was applied is noticed. */
final class Checksums {

    private Checksums() {
    }

    /**
     * The checksum of a file's text as {@link #normalize} leaves it: the same for a checkout with
     * CRLF line endings or a UTF-8 BOM as for one without.
     */
    static String sha256(String normalizedText) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(normalizedText.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** Drops a leading byte order mark and turns CRLF and lone CR line endings into LF. */
    static String normalize(String text) {
        String withoutBom = text.startsWith("\uFEFF") ? text.substring(1) : text;
        if (withoutBom.indexOf('\r') < 0) {
            return withoutBom;
        }
        return withoutBom.replace("\r\n", "\n").replace('\r', '\n');
    }
}
