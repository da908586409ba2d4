package dev.quota.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jdbi.v3.core.Jdbi;

/**
 * Waits for a state a test must prove before it acts, by polling what shows it (the
 * server's lock table, a queue's size), never by sleeping a guessed time: a race is proven
 * to have happened, not hoped to.
 */
public final class Await {

    private static final long DEADLINE_SECONDS = 10;

    private Await() {
    }

    /** Until {@code condition} holds; fails after 10 s, naming {@code what}. */
    public static void until(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited %d s for %s", DEADLINE_SECONDS, what).isLessThan(deadline);
            Thread.onSpinWait();
            try {
                TimeUnit.MILLISECONDS.sleep(2); // the polling interval, not the proof
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** Until at least {@code count} backends of the current database wait for a lock (pg_locks, not granted). */
    public static void lockWaiters(Jdbi jdbi, int count) {
        until(count + " backend(s) waiting for a lock", () -> jdbi.withHandle(handle -> handle.createQuery("""
                        SELECT count(DISTINCT l.pid) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                         WHERE NOT l.granted AND a.datname = current_database()
                        """).mapTo(Integer.class).one()) >= count);
    }
}
