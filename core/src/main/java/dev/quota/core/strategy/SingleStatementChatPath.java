package dev.quota.core.strategy;

import dev.quota.core.QuotaDay;
import dev.quota.core.persistence.ChatOutcome;
import java.time.OffsetDateTime;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * A strategy that can run the whole chat path (limit, counter, messages) as one statement.
 * Only the atomic strategy can: the others need to look at the counter between statements.
 * The service uses it when the user is given by id, saving two round trips a message. It
 * still runs in a transaction: when a retried request_id turns out to be committed already,
 * the counter it just moved must roll back with it.
 */
public interface SingleStatementChatPath {

    /** Empty when the user does not exist; without an active subscription nothing is consumed and the limit is null. */
    Optional<ChatOutcome> acceptInOneStatement(Handle handle, long userId, QuotaDay day, int units, String[] requestIds,
                                               OffsetDateTime createdAt);
}
