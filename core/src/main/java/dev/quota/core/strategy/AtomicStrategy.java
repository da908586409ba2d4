package dev.quota.core.strategy;

import dev.quota.core.persistence.PlainStatement;
import dev.quota.core.persistence.UsageDao;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * One statement: an upsert whose conflict branch re-checks the limit under the row lock.
 * The fastest correct choice and the default: no retries, the row lock is held only from
 * the statement to commit. Its chat path fuses limit, counter and messages into a single
 * statement too ({@link OneStatementChatPath}); this step alone serves the counter-only path.
 */
public final class AtomicStrategy implements CounterStep {

    public static final String NAME = "atomic";

    private static final PlainStatement ADD_WITHIN_LIMIT = new PlainStatement(UsageDao.ADD_WITHIN_LIMIT);

    @Override
    public Decision consume(Handle handle, CounterKey counter, int units, int limit) {
        Map<String, Object> values = Map.of("userId", counter.userId(), "day", counter.day().date(), "units", units, "limit", limit);
        return ADD_WITHIN_LIMIT.queryFirst(handle.getConnection(), values, row -> row.getInt(1))
                .map(Decision::accepted)
                .orElseGet(() -> Decision.refused(Decision.UNKNOWN));
    }
}
