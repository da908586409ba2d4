package dev.quota.core.strategy;

import dev.quota.core.persistence.UsageDao;
import org.jdbi.v3.core.Handle;

/**
 * One statement: an upsert whose conflict branch re-checks the limit under the row lock.
 * The fastest correct choice and the default: one round trip, no retries, the row lock is
 * held only from the statement to commit.
 */
public final class AtomicStrategy implements ConsumptionStrategy {

    public static final String NAME = "atomic";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Decision consume(Handle handle, CounterKey counter, int units, int limit) {
        return handle.attach(UsageDao.class)
                .addWithinLimit(counter.userId(), counter.day().date(), units, limit)
                .map(Decision::accepted)
                .orElseGet(() -> Decision.refused(Decision.UNKNOWN));
    }
}
