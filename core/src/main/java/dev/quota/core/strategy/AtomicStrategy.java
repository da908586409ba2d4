package dev.quota.core.strategy;

import dev.quota.core.QuotaDay;
import dev.quota.core.persistence.ChatOutcome;
import dev.quota.core.db.SqlStates;
import dev.quota.core.persistence.ChatPathStatement;
import dev.quota.core.persistence.UsageDao;
import java.sql.SQLException;
import java.time.OffsetDateTime;
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

    @Override
    public Decision consume(Handle handle, CounterKey counter, int units, int limit) {
        return handle.attach(UsageDao.class)
                .addWithinLimit(counter.userId(), counter.day().date(), units, limit)
                .map(Decision::accepted)
                .orElseGet(() -> Decision.refused(Decision.UNKNOWN));
    }

    @Override
    public Optional<ChatOutcome> acceptInOneStatement(Handle handle, long userId, QuotaDay day, int units,
                                                      String[] requestIds, OffsetDateTime createdAt) {
        try {
            return ChatPathStatement.accept(handle.getConnection(), userId, day.date(), units, requestIds, createdAt);
        } catch (SQLException e) {
            throw SqlStates.translate(e);
        }
    }
}
