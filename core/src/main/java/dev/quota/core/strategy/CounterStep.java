package dev.quota.core.strategy;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;

/**
 * How a strategy takes units from a day's counter under concurrency: the one step in which
 * the per-message strategies (row-lock, optimistic, advisory, serializable, atomic) differ.
 * Every implementation keeps the same promises, proven by the shared contract suite through
 * the {@link ChatPath} built on it: the counter never goes above the effective limit nor
 * below 0, no increment is lost, a retry is never applied twice, lock waits and retries are
 * bounded, and a first consumption racing another for a new day never leaks a duplicate-key
 * error.
 *
 * <p>A step runs inside the caller's transaction, so that the counter and the stored message
 * commit or roll back together; {@link #inTransaction} lets a step choose that transaction's
 * isolation and retry it as a whole.
 */
public interface CounterStep {

    /**
     * Takes {@code units} from the counter if {@code limit} allows it, else refuses; changes
     * nothing when it refuses.
     */
    Decision consume(Handle handle, CounterKey counter, int units, int limit);

    /**
     * Runs one consumption's transaction. The default is one READ COMMITTED transaction; a
     * step that needs another isolation or whole-transaction retries overrides this.
     * {@code work} may run more than once, and must be safe to.
     */
    default <T> T inTransaction(Jdbi jdbi, HandleCallback<T, RuntimeException> work) {
        return jdbi.inTransaction(work);
    }
}
