package dev.lockstep.core.internal.sql;

import java.nio.charset.StandardCharsets;

/**
 * PostgreSQL's {@code hashtextextended(text, 0)} computed in Java: Bob Jenkins' lookup3 hash
 * (public domain), which PostgreSQL's {@code hash_bytes_extended} implements, over the text's
 * UTF-8 bytes, read as a little-endian server reads them. It lets the build compute what the
 * server will compute over the tracker (see {@code Tracker.digestOf}), so a start compares one
 * number instead of thousands of rows. Any difference (another server encoding, a big-endian
 * server) only makes the numbers differ, and the start reads the rows as it would without it.
 */
public final class PostgresHash {

    private PostgresHash() {
    }

    /** {@code hashtextextended(text, 0)} on a UTF-8, little-endian server. */
    public static long textExtended(String text) {
        return bytesExtended(text.getBytes(StandardCharsets.UTF_8));
    }

    static long bytesExtended(byte[] k) {
        int length = k.length;
        int a = 0x9e3779b9 + length + 3923095;
        int b = a;
        int c = a;
        int at = 0;
        while (length >= 12) {
            a += word(k, at);
            b += word(k, at + 4);
            c += word(k, at + 8);
            // mix(a, b, c)
            a -= c; a ^= Integer.rotateLeft(c, 4); c += b;
            b -= a; b ^= Integer.rotateLeft(a, 6); a += c;
            c -= b; c ^= Integer.rotateLeft(b, 8); b += a;
            a -= c; a ^= Integer.rotateLeft(c, 16); c += b;
            b -= a; b ^= Integer.rotateLeft(a, 19); a += c;
            c -= b; c ^= Integer.rotateLeft(b, 4); b += a;
            at += 12;
            length -= 12;
        }
        // The last 0 to 11 bytes, little-endian; the lowest byte of c is left for the length.
        for (int i = 0; i < length; i++) {
            int value = k[at + i] & 0xff;
            if (i < 4) {
                a += value << (8 * i);
            } else if (i < 8) {
                b += value << (8 * (i - 4));
            } else {
                c += value << (8 * (i - 7));
            }
        }
        // final(a, b, c)
        c ^= b; c -= Integer.rotateLeft(b, 14);
        a ^= c; a -= Integer.rotateLeft(c, 11);
        b ^= a; b -= Integer.rotateLeft(a, 25);
        c ^= b; c -= Integer.rotateLeft(b, 16);
        a ^= c; a -= Integer.rotateLeft(c, 4);
        b ^= a; b -= Integer.rotateLeft(a, 14);
        c ^= b; c -= Integer.rotateLeft(b, 24);
        return ((long) b << 32) | (c & 0xffffffffL);
    }

    private static int word(byte[] k, int at) {
        return (k[at] & 0xff) | (k[at + 1] & 0xff) << 8 | (k[at + 2] & 0xff) << 16 | (k[at + 3] & 0xff) << 24;
    }
}
