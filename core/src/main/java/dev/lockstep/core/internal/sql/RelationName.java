package dev.lockstep.core.internal.sql;

/**
 * A possibly qualified name as a statement writes it.
 *
 * @param text as written, e.g. {@code public."Orders"}
 * @param key its last part as PostgreSQL resolves it ({@code Orders}; {@code orders} for a bare
 *     word), to match the same name written another way
 */
public record RelationName(String text, String key) {
}
