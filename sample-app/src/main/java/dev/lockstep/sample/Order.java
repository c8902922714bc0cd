package dev.lockstep.sample;

import java.time.OffsetDateTime;

public record Order(long id, long customerId, long amountCents, String status, OffsetDateTime createdAt) {
}
