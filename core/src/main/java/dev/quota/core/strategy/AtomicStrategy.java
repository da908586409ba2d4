package dev.quota.core.strategy;

import dev.quota.core.QuotaDay;
import dev.quota.core.persistence.ChatOutcome;
import dev.quota.core.persistence.ChatPathStatement;
import dev.quota.core.persistence.PlainStatement;
import dev.quota.core.persistence.UsageDao;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * One statement: an upsert whose conflict branch re-checks the limit under the row lock.
 * The fastest correct choice and the default: no retries, the row lock is held only from
 * the statement to commit. For a user given by id the whole chat path (limit, counter,
 * messages) is a single statement too.
 */
public final class AtomicStrategy implements ConsumptionStrategy, SingleStatementChatPath {

    public static final String NAME = "atomic";

    @Override
    public String name() {
        return NAME;
    }

    private static final PlainStatement ADD_WITHIN_LIMIT = new PlainStatement(UsageDao.ADD_WITHIN_LIMIT);

    @Override
    public Decision consume(Handle handle, CounterKey counter, int units, int limit) {
        Map<String, Object> values = Map.of("userId", counter.userId(), "day", counter.day().date(), "units", units, "limit", limit);
        return ADD_WITHIN_LIMIT.queryFirst(handle.getConnection(), values, row -> row.getInt(1))
                .map(Decision::accepted)
                .orElseGet(() -> Decision.refused(Decision.UNKNOWN));
    }

    @Override
    public Optional<ChatOutcome> acceptInOneStatement(Handle handle, long userId, QuotaDay day, int units,
                                                      String[] requestIds, OffsetDateTime createdAt) {
        return ChatPathStatement.accept(handle.getConnection(), userId, day.date(), units, requestIds, createdAt);
    }
}
