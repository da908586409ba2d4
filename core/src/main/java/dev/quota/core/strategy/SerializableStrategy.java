package dev.quota.core.strategy;

import dev.quota.core.UserKey;
import dev.quota.core.db.SqlStates;
import dev.quota.core.persistence.UsageDao;
import java.time.LocalDate;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

/**
 * Plain read-check-write, made safe by running the whole transaction (counter and message)
 * at SERIALIZABLE and retrying it from the start on a serialization failure (SQLSTATE
 * 40001) or deadlock (40P01), with bounded jittered backoff. Simple to reason about, but
 * every conflict costs a whole transaction.
 */
public final class SerializableStrategy implements CounterStep {

    public static final String NAME = "serializable";

    private final RetryPolicy retries;

    public SerializableStrategy(RetryPolicy retries) {
        this.retries = retries;
    }

    @Override
    public Decision consume(Handle handle, CounterKey counter, int units, int limit) {
        UsageDao usage = handle.attach(UsageDao.class);
        UserKey userId = counter.userId();
        LocalDate day = counter.day().date();
        int used = usage.read(userId, day).orElse(0);
        // a hold taken after this snapshot updates the counter row (quota.reserve), so this write then fails to serialize and runs again
        return Decision.ifWithinLimit(used, usage.held(userId, day), units, limit,
                after -> usage.upsertWithinLimit(userId, day, after, limit).isPresent());
    }

    @Override
    public <T> T inTransaction(Jdbi jdbi, HandleCallback<T, RuntimeException> work) {
        RetryPolicy.Attempts attempts = retries.start(NAME);
        while (true) {
            try {
                return jdbi.inTransaction(handle -> {
                    // first statement of the transaction, so it still may set the isolation;
                    // cheaper than the driver's session-level switch and switch back
                    handle.execute("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE");
                    return work.withHandle(handle);
                });
            } catch (JdbiException e) {
                if (!SqlStates.isRetryableConflict(e)) {
                    throw e;
                }
                attempts.backOff();
            }
        }
    }
}
