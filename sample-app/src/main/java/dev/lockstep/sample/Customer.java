package dev.lockstep.sample;

import java.time.OffsetDateTime;

public record Customer(long id, String name, String email, OffsetDateTime createdAt) {
}
