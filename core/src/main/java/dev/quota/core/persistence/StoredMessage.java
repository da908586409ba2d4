package dev.quota.core.persistence;

import java.time.Instant;

public record StoredMessage(long id, long userId, Instant createdAt, String requestId) {
}
