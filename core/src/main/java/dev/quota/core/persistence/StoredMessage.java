package dev.quota.core.persistence;

import dev.quota.core.UserKey;
import java.time.Instant;

public record StoredMessage(long id, UserKey userId, Instant createdAt, String requestId) {
}
