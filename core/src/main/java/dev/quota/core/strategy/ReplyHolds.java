package dev.quota.core.strategy;

import dev.quota.core.ErrorCode;
import dev.quota.core.QuotaException;
import dev.quota.core.RequestIds;
import dev.quota.core.UserKey;
import dev.quota.core.persistence.CitusBatchStatements;
import dev.quota.core.persistence.HoldFunctions;
import dev.quota.core.persistence.MessageDao;
import java.time.Duration;
import java.util.Objects;
import org.jdbi.v3.core.Jdbi;

/**
 * A chat path's holds, for a reply that takes seconds and may fail: reserve before the model
 * call, then settle (the messages stored and charged in one commit) or release. Every path
 * holds through the SQL API's functions: admitting a hold takes the counter row's lock as the
 * atomic strategy does, and each path's own admission of consumptions counts the held units
 * (docs/sql-api.md#holding-quota-while-the-reply-is-written), so one implementation serves
 * all of them. No transaction stays open between the calls.
 */
public final class ReplyHolds {

    private final Jdbi jdbi;
    /** On a Citus coordinator a settle stores its messages as group commit's Citus form does, on whatever unique key they have. */
    private final boolean citusForm;

    /** {@code citusForm} as its path runs: the path has asked the database once, when it opened. */
    ReplyHolds(Jdbi jdbi, boolean citusForm) {
        this.jdbi = Objects.requireNonNull(jdbi);
        this.citusForm = citusForm;
    }

    /**
     * Holds {@code request.units()} on the day of {@code request.sentAt()} for {@code ttl} at
     * most, in a transaction of its own. The same request id answers with the same hold.
     *
     * @throws QuotaException {@code user_not_found} or {@code no_active_subscription}
     */
    public HoldFunctions.Reserved reserve(ChatRequest request, Duration ttl) {
        HoldFunctions.Reserved reserved = jdbi.inTransaction(handle -> HoldFunctions.reserve(handle, request.userId(),
                request.units(), request.requestId(), ttl, request.sentAt()));
        if (ErrorCode.USER_NOT_FOUND.code().equals(reserved.code())) {
            throw QuotaException.userNotFound(request.userId());
        }
        if (ErrorCode.NO_ACTIVE_SUBSCRIPTION.code().equals(reserved.code())) {
            throw QuotaException.noActiveSubscription(request.userId(), request.userId());
        }
        return reserved;
    }

    /**
     * Charges {@code unitsUsed} to the hold's day and stores as many user messages as it
     * charged, stamped at {@code request.sentAt()} so that they are counted on the day charged
     * (after midnight too), in one transaction. A second settle answers with the first one's
     * result and stores nothing more; after a release or the hold's expiry nothing is charged
     * or stored ({@code hold_released}, {@code hold_expired}).
     */
    public HoldFunctions.Settled settle(ChatRequest request, int unitsUsed) {
        return jdbi.inTransaction(handle -> {
            HoldFunctions.Settled settled = HoldFunctions.settle(handle, request.userId(), request.requestId(), unitsUsed);
            if (settled.settled() && settled.charged() > 0) {
                // on a replay these are the first settle's messages: the insert finds them and adds none
                String[] requestIds = RequestIds.forUnits(request.requestId(), settled.charged());
                if (citusForm) {
                    CitusBatchStatements.store(handle.getConnection(), BatchDecisions.messagesOf(request, requestIds));
                } else {
                    handle.attach(MessageDao.class).storeUserMessages(request.userId(), requestIds, request.sentAt());
                }
            }
            return settled;
        });
    }

    /** Frees the whole hold (the reply failed); it never needs the counter's lock. */
    public HoldFunctions.Released release(UserKey user, String requestId) {
        return jdbi.inTransaction(handle -> HoldFunctions.release(handle, user, requestId));
    }
}
