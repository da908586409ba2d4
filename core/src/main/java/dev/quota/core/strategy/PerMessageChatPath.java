package dev.quota.core.strategy;

import dev.quota.core.QuotaDay;
import dev.quota.core.QuotaException;
import dev.quota.core.QuotaStatus;
import dev.quota.core.UserKey;
import dev.quota.core.persistence.MessageDao;
import dev.quota.core.persistence.QuotaContextReads;
import dev.quota.core.persistence.UsageDao;
import java.util.Objects;
import org.jdbi.v3.core.Jdbi;

/**
 * One transaction per message around a strategy's {@link CounterStep}: read the day's
 * context, let the step take the units under the limit, store the messages. When a message
 * with the same request id is already there, the first attempt committed: the transaction
 * rolls back (the counter with it) and the request is answered as a replay.
 */
public final class PerMessageChatPath implements ChatPath {

    private final String name;
    private final Jdbi jdbi;
    private final ReplyHolds holds;
    private final CounterStep step;

    public PerMessageChatPath(String name, Jdbi jdbi, CounterStep step) {
        this.name = Objects.requireNonNull(name);
        this.jdbi = Objects.requireNonNull(jdbi);
        this.step = Objects.requireNonNull(step);
        this.holds = new ReplyHolds(jdbi, false); // not a strategy that runs on Citus (Strategies.ON_CITUS)
    }

    @Override
    public ReplyHolds holds() {
        return holds;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ChatOutcome accept(ChatRequest request) {
        UserKey userId = request.userId();
        QuotaDay day = request.day();
        return step.inTransaction(jdbi, handle -> {
            QuotaStatus before = QuotaContextReads.context(handle.getConnection(), userId, day.date())
                    .orElseThrow(() -> QuotaException.userNotFound(userId))
                    .requireSubscribed(userId)
                    .status(day);
            Decision decision = step.consume(handle, new CounterKey(userId, day), request.units(), before.limit());
            if (!decision.accepted()) {
                return ChatOutcome.refusedUnlessCommitted(handle, request, () -> before.withConsumed(decision.used() != Decision.UNKNOWN
                        ? decision.used() : handle.attach(UsageDao.class).read(userId, day.date()).orElse(0)));
            }
            int stored = handle.attach(MessageDao.class).storeUserMessages(userId, request.requestIds(), request.sentAt());
            if (stored != request.units()) {
                handle.rollback();
                return ChatOutcome.REPLAYED;
            }
            return new ChatOutcome.Accepted(before.withConsumed(decision.used()));
        });
    }
}
