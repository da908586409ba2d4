package dev.quota.core.strategy;

import dev.quota.core.QuotaDay;
import dev.quota.core.QuotaException;
import dev.quota.core.QuotaStatus;
import dev.quota.core.UserKey;
import dev.quota.core.db.CitusDistribution;
import dev.quota.core.persistence.ChatPathStatement;
import dev.quota.core.persistence.ChatStatementRow;
import dev.quota.core.persistence.UsageDao;
import org.jdbi.v3.core.Jdbi;

/**
 * The atomic strategy's chat path: limit, counter and messages in one statement
 * ({@link ChatPathStatement}), two round trips fewer than {@link PerMessageChatPath}. It
 * still runs in a transaction: when a retried request id turns out to be committed already,
 * the counter the statement just moved must roll back with it.
 */
public final class OneStatementChatPath implements ChatPath {

    private final Jdbi jdbi;
    private final ReplyHolds holds;
    /** On a Citus coordinator each message is {@link CitusGroupCommit}'s transaction for one: lock, read the holds, write. */
    private final boolean citusForm;

    public OneStatementChatPath(Jdbi jdbi) {
        this(jdbi, jdbi.withHandle(CitusDistribution::isCoordinator));
    }

    OneStatementChatPath(Jdbi jdbi, boolean citusForm) {
        this.jdbi = jdbi;
        this.holds = new ReplyHolds(jdbi, citusForm);
        this.citusForm = citusForm;
    }

    /**
     * The form a Citus coordinator runs, on whatever server {@code jdbi} reaches: its one
     * statement guards the upsert with {@code held_units()} in {@code ON CONFLICT … WHERE},
     * which Citus refuses, so there each message takes the steps of group commit's Citus
     * batch, for one message, in its own transaction. Its statements run on one PostgreSQL
     * as well: the contract suite holds it to the same promises without a cluster.
     */
    public static OneStatementChatPath citusForm(Jdbi jdbi) {
        return new OneStatementChatPath(jdbi, true);
    }

    @Override
    public ReplyHolds holds() {
        return holds;
    }

    @Override
    public String name() {
        return AtomicStrategy.NAME;
    }

    @Override
    public ChatOutcome accept(ChatRequest request) {
        if (citusForm) {
            return CitusGroupCommit.acceptAlone(jdbi, request);
        }
        UserKey userId = request.userId();
        QuotaDay day = request.day();
        return jdbi.inTransaction(handle -> {
            ChatStatementRow row = ChatPathStatement.accept(handle.getConnection(), userId, day.date(), request.units(),
                    request.requestIds(), request.sentAt()).orElseThrow(() -> QuotaException.userNotFound(userId));
            QuotaStatus before = row.context().requireSubscribed(userId).status(day);
            if (!row.accepted()) {
                // when a consumption committed after our snapshot filled the day, read what refused us (we hold the row lock)
                return ChatOutcome.refusedUnlessCommitted(handle, request, () -> (long) row.consumed() + request.units() <= before.limit()
                        ? before.withConsumed(handle.attach(UsageDao.class).read(userId, day.date()).orElse(0))
                        : before);
            }
            if (row.stored() != request.units()) {
                handle.rollback();
                return ChatOutcome.REPLAYED;
            }
            return new ChatOutcome.Accepted(before.withConsumed(row.usedAfter()));
        });
    }
}
