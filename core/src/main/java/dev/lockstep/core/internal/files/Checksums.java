package dev.lockstep.core.internal.files;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 of a migration's text, so a file edited after it was applied is noticed. */
final class Checksums {

    private Checksums() {
    }

    /**
     * The checksum of a file read as {@code raw} bytes (valid UTF-8) and decoded and normalized to
     * {@code normalizedText}. The bytes are hashed as they are when normalizing changed nothing,
     * as for almost every file: no second encoding pass.
     */
    static String sha256(byte[] raw, String normalizedText) {
        if (isNormalized(raw)) {
            MessageDigest digest = sha256();
            digest.update(raw);
            return HexFormat.of().formatHex(digest.digest());
        }
        return sha256(normalizedText);
    }

    /**
     * The checksum of a file's text as {@link #normalize} leaves it: the same for a checkout with
     * CRLF line endings or a UTF-8 BOM as for one without.
     */
    static String sha256(String normalizedText) {
        MessageDigest digest = sha256();
        // Encoded through a small buffer: a 50 MB file is not copied whole once more.
        CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder();
        CharBuffer in = CharBuffer.wrap(normalizedText);
        ByteBuffer out = ByteBuffer.allocate(Math.min(64 * 1024, normalizedText.length() * 3 + 16));
        CoderResult result;
        do {
            result = encoder.encode(in, out, true);
            if (result.isError()) {
                throw new IllegalStateException("text decoded from UTF-8 encodes back: " + result);
            }
            out.flip();
            digest.update(out);
            out.clear();
        } while (result.isOverflow());
        encoder.flush(out);
        out.flip();
        digest.update(out);
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** Whether {@link #normalize} would leave the bytes' text as it is: no BOM, no CR. */
    private static boolean isNormalized(byte[] raw) {
        if (raw.length >= 3 && raw[0] == (byte) 0xEF && raw[1] == (byte) 0xBB && raw[2] == (byte) 0xBF) {
            return false;
        }
        for (byte b : raw) {
            if (b == '\r') {
                return false;
            }
        }
        return true;
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
