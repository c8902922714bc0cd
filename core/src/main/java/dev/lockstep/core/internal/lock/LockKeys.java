package dev.lockstep.core.internal.lock;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Derives the advisory lock key from the tracker table's qualified name: the first 8 bytes of its
 * SHA-256. Stable across JVMs and versions, and different for two services that share a database
 * with different tracker tables, so they never block each other.
 */
public final class LockKeys {

    private LockKeys() {
    }

    public static long derive(String qualifiedTrackerName) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest(("lockstep:" + qualifiedTrackerName).getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(hash, 0, Long.BYTES).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
