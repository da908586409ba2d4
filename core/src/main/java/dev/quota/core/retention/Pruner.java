package dev.quota.core.retention;

import dev.quota.core.QuotaDay;
import dev.quota.core.db.SqlStates;
import dev.quota.core.retention.RetentionSettings.Cutoffs;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes what has outlived its retention ({@link RetentionSettings}), as of the database's
 * today: {@code quota db prune} and the nightly job's prune step. Batches of rows, each in a
 * transaction of its own, paced to the settings' rows per second; then a vacuum of what it
 * emptied, where the role may, so that tomorrow's rows reuse the space (otherwise
 * autovacuum does it, with the thresholds V5 sets). Pruning again is harmless: what is left
 * is what has not expired.
 */
public final class Pruner {

    private static final Logger log = LoggerFactory.getLogger(Pruner.class);

    private final Jdbi jdbi;
    private final Time time;

    /** Where the pace reads and spends time: the host's monotonic clock, or a test's. */
    public interface Time {
        Time SYSTEM = new Time() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void sleepNanos(long nanos) throws InterruptedException {
                TimeUnit.NANOSECONDS.sleep(nanos);
            }
        };

        long nanoTime();

        void sleepNanos(long nanos) throws InterruptedException;
    }

    public Pruner(Jdbi jdbi) {
        this(jdbi, Time.SYSTEM);
    }

    public Pruner(Jdbi jdbi, Time time) {
        this.jdbi = jdbi;
        this.time = time;
    }

    /** What has expired on {@code today}, counted; deletes nothing ({@code --dry-run}). */
    public PruneReport count(QuotaDay today) {
        return inDatabase(() -> jdbi.withHandle(handle -> {
            RetentionSettings settings = RetentionSettings.read(handle);
            Cutoffs cutoffs = settings.cutoffs(today);
            Map<ExpiringRows, Long> expired = new EnumMap<>(ExpiringRows.class);
            for (ExpiringRows rows : ExpiringRows.values()) {
                expired.put(rows, rows.count(handle, cutoffs));
            }
            return new PruneReport(today, settings, cutoffs, expired, false, List.of());
        }));
    }

    /** Starts pruning what has expired on {@code today}, with the settings' pace. */
    public Run start(QuotaDay today) {
        return start(today, null);
    }

    /** As {@link #start(QuotaDay)}, at {@code rowsPerSecond} instead of the settings' pace (0: unpaced). */
    public Run start(QuotaDay today, Integer rowsPerSecond) {
        RetentionSettings settings = inDatabase(() -> jdbi.withHandle(RetentionSettings::read));
        return new Run(today, rowsPerSecond == null ? settings : settings.pacedAt(rowsPerSecond));
    }

    /** Prunes everything that has expired on {@code today}, then vacuums. */
    public PruneReport prune(QuotaDay today) {
        return prune(today, null);
    }

    /** As {@link #prune(QuotaDay)}, at {@code rowsPerSecond} instead of the settings' pace (0: unpaced). */
    public PruneReport prune(QuotaDay today, Integer rowsPerSecond) {
        Run run = start(today, rowsPerSecond);
        while (run.deleteBatch()) {
            // each batch committed on its own
        }
        return run.finish();
    }

    /**
     * One pruning pass, a batch at a time: the job's tasklet runs one batch per step
     * transaction, the CLI loops. Not thread-safe.
     */
    public final class Run {

        private final QuotaDay today;
        private final RetentionSettings settings;
        private final Cutoffs cutoffs;
        private final Map<ExpiringRows, Long> deleted = new EnumMap<>(ExpiringRows.class);
        private int current;
        private long pausedUntil;
        private boolean paused;

        private Run(QuotaDay today, RetentionSettings settings) {
            this.today = today;
            this.settings = settings;
            this.cutoffs = settings.cutoffs(today);
            for (ExpiringRows rows : ExpiringRows.values()) {
                deleted.put(rows, 0L);
            }
        }

        /** Deletes one batch in a transaction of its own; false once nothing expired is left. */
        public boolean deleteBatch() {
            while (current < ExpiringRows.values().length) {
                ExpiringRows rows = ExpiringRows.values()[current];
                waitForPace();
                long started = time.nanoTime();
                int count = inDatabase(() -> jdbi.inTransaction(handle -> rows.deleteBatch(handle, cutoffs, settings.batchSize())));
                pace(count, started);
                deleted.merge(rows, (long) count, Long::sum);
                if (count > 0) {
                    return true;
                }
                current++;
            }
            return false;
        }

        /** Rows deleted so far, of every kind. */
        public long deletedSoFar() {
            return deleted.values().stream().mapToLong(Long::longValue).sum();
        }

        /** Vacuums the tables this run deleted from, where the role may; returns what was done. */
        public PruneReport finish() {
            List<String> vacuumed = new ArrayList<>();
            for (ExpiringRows rows : ExpiringRows.values()) {
                if (deleted.get(rows) > 0) {
                    for (String table : rows.tables()) {
                        if (vacuum(table)) {
                            vacuumed.add(table);
                        }
                    }
                }
            }
            List<String> scratch = inDatabase(() -> jdbi.withHandle(ScratchSchemas::dropExpired));
            if (!scratch.isEmpty()) {
                log.info("dropped {} expired scratch schema(s) of killed or kept runs: {}", scratch.size(), scratch);
            }
            return new PruneReport(today, settings, cutoffs, deleted, true, vacuumed);
        }

        /**
         * The next batch may start once the rows deleted so far, at the pace, would have
         * taken as long: a batch of 2,000 at 20,000 rows/s leaves 100 ms between starts.
         */
        private void pace(int count, long startedNanos) {
            if (settings.rowsPerSecond() > 0 && count > 0) {
                pausedUntil = startedNanos + TimeUnit.SECONDS.toNanos(count) / settings.rowsPerSecond();
                paused = true;
            }
        }

        private void waitForPace() {
            long wait = paused ? pausedUntil - time.nanoTime() : 0;
            paused = false;
            if (wait > 0) {
                try {
                    time.sleepNanos(wait); // the pace itself: time left to live traffic
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while pruning", e);
                }
            }
        }
    }

    /**
     * {@code VACUUM (ANALYZE)} outside any transaction, without the interactive statement
     * timeout, when the role owns the table; otherwise left to autovacuum.
     */
    private boolean vacuum(String table) {
        return inDatabase(() -> jdbi.withHandle(handle -> {
            boolean owner = handle.createQuery("""
                            SELECT pg_has_role(current_user, c.relowner, 'USAGE')
                              FROM pg_class c WHERE c.oid = to_regclass(:table)
                            """)
                    .bind("table", table).mapTo(Boolean.class).findOne().orElse(false);
            if (!owner) {
                log.info("{} is not owned by this role: its dead rows are left to autovacuum", table);
                return false;
            }
            handle.execute("SET statement_timeout = 0");
            try {
                handle.execute("VACUUM (ANALYZE) " + table); // a name from ExpiringRows, never input
            } finally {
                handle.execute("RESET statement_timeout");
            }
            return true;
        }));
    }

    private static <T> T inDatabase(java.util.function.Supplier<T> work) {
        try {
            return work.get();
        } catch (RuntimeException e) {
            throw SqlStates.translate(e);
        }
    }

    /**
     * What a prune found or did.
     *
     * @param rows     per kind: expired (a dry run) or deleted
     * @param deleted  false for a dry run
     * @param vacuumed the tables vacuumed afterwards
     */
    public record PruneReport(QuotaDay today, RetentionSettings settings, Cutoffs cutoffs, Map<ExpiringRows, Long> rows,
                              boolean deleted, List<String> vacuumed) {

        public long total() {
            return rows.values().stream().mapToLong(Long::longValue).sum();
        }

        /** Per kind, by code, in deletion order. */
        public Map<String, Long> byCode() {
            Map<String, Long> byCode = new LinkedHashMap<>();
            rows.forEach((kind, count) -> byCode.put(kind.code(), count));
            return byCode;
        }
    }
}
