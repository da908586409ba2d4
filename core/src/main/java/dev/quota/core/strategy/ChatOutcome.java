package dev.quota.core.strategy;

import dev.quota.core.QuotaStatus;
import dev.quota.core.persistence.MessageDao;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;

/** What a {@link ChatPath} decided for one request. */
public sealed interface ChatOutcome {

    /** Charged and stored; the day's quota after it. */
    record Accepted(QuotaStatus status) implements ChatOutcome {
    }

    /** Over the limit: nothing charged or stored; the day's quota as it refused the request. */
    record Refused(QuotaStatus status) implements ChatOutcome {
    }

    /** The request id was committed before: nothing charged now; the caller answers from the stored messages. */
    record Replayed() implements ChatOutcome {
    }

    ChatOutcome REPLAYED = new Replayed();

    /**
     * The outcome of a request the limit refused: {@link Refused}, unless it is a retry whose
     * first attempt committed, which gets that outcome back even once the day is full.
     */
    static ChatOutcome refusedUnlessCommitted(Handle handle, ChatRequest request, Supplier<QuotaStatus> refusedAt) {
        if (request.mayBeRetry() && handle.attach(MessageDao.class).requestCommitted(request.requestId())) {
            return REPLAYED;
        }
        return new Refused(refusedAt.get());
    }
}
