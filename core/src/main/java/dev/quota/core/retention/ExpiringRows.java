package dev.quota.core.retention;

import dev.quota.core.db.CitusDistribution;
import dev.quota.core.retention.RetentionSettings.Cutoffs;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;

/**
 * Each kind of row the toolkit writes and expires, with the SQL that counts and deletes it:
 * the one home of what retention removes. Every delete takes at most a batch of rows, by
 * key, so no transaction is long and no lock wider than those rows is taken. The order is the
 * order of deletion: findings before their runs.
 */
public enum ExpiringRows {

    /**
     * quota.consume's request ids past the idempotency window; by ctid: a row is never
     * updated, so its ctid is its address. On Citus a ctid names a row of one shard only, and
     * the rows go by their key, {@code (user_id, request_id)}.
     */
    REQUEST_IDS("request_ids", "consumed_requests", "ctid",
            "SELECT c.ctid FROM consumed_requests c WHERE c.quota_date < :before", "", Cutoffs::requestDaysBefore) {

        @Override
        int deleteBatch(Handle handle, Cutoffs cutoffs, int batchSize) {
            return deleteByUserKey(handle, "consumed_requests", "request_id", cutoffs, batchSize)
                    .orElseGet(() -> super.deleteBatch(handle, cutoffs, batchSize));
        }
    },

    /**
     * Holds of days past the idempotency window, whatever their state: a settle or release
     * repeated within the window answers as the first did. An expired hold stopped counting
     * at its expiry; this only bounds the storage.
     */
    HOLDS("holds", "quota_holds", "ctid", "SELECT h.ctid FROM quota_holds h WHERE h.quota_date < :before", "",
            Cutoffs::requestDaysBefore) {

        @Override
        int deleteBatch(Handle handle, Cutoffs cutoffs, int batchSize) {
            return deleteByUserKey(handle, "quota_holds", "request_id", cutoffs, batchSize)
                    .orElseGet(() -> super.deleteBatch(handle, cutoffs, batchSize));
        }
    },

    /** The findings of expired reconciliation runs. */
    FINDINGS("reconciliation_findings", "quota_reconciliation_drifts", "id", """
            SELECT d.id FROM quota_reconciliation_runs r JOIN quota_reconciliation_drifts d ON d.run_id = r.id
             WHERE r.started_at < :before""", "", Cutoffs::runsStartedBefore),

    /** Expired reconciliation runs, deleted once their findings are gone. */
    RUNS("reconciliation_runs", "quota_reconciliation_runs", "id",
            "SELECT r.id FROM quota_reconciliation_runs r WHERE r.started_at < :before",
            " AND NOT EXISTS (SELECT 1 FROM quota_reconciliation_drifts d WHERE d.run_id = r.id)", Cutoffs::runsStartedBefore),

    /**
     * Spring Batch's record of expired job instances: an instance whose every execution ended
     * before the cutoff, with its executions, their parameters, steps and contexts. A few
     * instances per transaction, each with its dozen rows. An execution that has not ended
     * is never expired, whatever its times say: Spring Batch stamps them with the job host's
     * clock, not the database's, and a running job must not lose its own record (a run
     * killed and never resumed keeps its few rows until {@code quota reconcile} resumes it).
     */
    JOB_EXECUTIONS("job_instances", List.of("batch_step_execution_context", "batch_step_execution", "batch_job_execution_context",
            "batch_job_execution_params", "batch_job_execution", "batch_job_instance"), null, null, null, null) {

        private static final String EXPIRED = """
                SELECT i.job_instance_id FROM batch_job_instance i
                 WHERE EXISTS (SELECT 1 FROM batch_job_execution e WHERE e.job_instance_id = i.job_instance_id)
                   AND NOT EXISTS (SELECT 1 FROM batch_job_execution e
                                    WHERE e.job_instance_id = i.job_instance_id AND (e.end_time IS NULL OR e.end_time >= :before))
                """;
        private static final String EXECUTIONS = "SELECT e.job_execution_id FROM batch_job_execution e WHERE e.job_instance_id = ANY (:ids)";

        @Override
        long count(Handle handle, Cutoffs cutoffs) {
            return countOf(handle, EXPIRED, localTime(cutoffs));
        }

        @Override
        int deleteBatch(Handle handle, Cutoffs cutoffs, int batchSize) {
            Long[] ids = handle.createQuery(EXPIRED + " LIMIT :batch")
                    .bind("before", localTime(cutoffs)).bind("batch", Math.max(1, batchSize / 100))
                    .mapTo(Long.class).list().toArray(Long[]::new);
            if (ids.length == 0) {
                return 0;
            }
            // children first: the job repository's foreign keys have no cascade
            handle.createUpdate("""
                            DELETE FROM batch_step_execution_context WHERE step_execution_id IN
                                   (SELECT s.step_execution_id FROM batch_step_execution s WHERE s.job_execution_id IN (%s))
                            """.formatted(EXECUTIONS)).bind("ids", ids).execute();
            for (String table : List.of("batch_step_execution", "batch_job_execution_context", "batch_job_execution_params")) {
                handle.createUpdate("DELETE FROM " + table + " WHERE job_execution_id IN (" + EXECUTIONS + ")").bind("ids", ids).execute();
            }
            handle.createUpdate("DELETE FROM batch_job_execution WHERE job_instance_id = ANY (:ids)").bind("ids", ids).execute();
            return handle.createUpdate("DELETE FROM batch_job_instance WHERE job_instance_id = ANY (:ids)").bind("ids", ids).execute();
        }

        /** The job repository stores local timestamps ({@code timestamp}), written in the session's UTC. */
        private static java.time.LocalDateTime localTime(Cutoffs cutoffs) {
            return java.time.LocalDateTime.ofInstant(cutoffs.runsStartedBefore(), java.time.ZoneOffset.UTC);
        }
    };

    private final String code;
    private final List<String> tables;
    // a kind deleted by key from one table: its key column, the query of its expired keys
    // (bound :before), what a delete adds to it, and its cutoff; null for job instances
    private final String key;
    private final String expired;
    private final String deletableOnly;
    private final Function<Cutoffs, Object> before;

    ExpiringRows(String code, String table, String key, String expired, String deletableOnly, Function<Cutoffs, Object> before) {
        this(code, List.of(table), key, expired, deletableOnly, before);
    }

    ExpiringRows(String code, List<String> tables, String key, String expired, String deletableOnly, Function<Cutoffs, Object> before) {
        this.code = code;
        this.tables = tables;
        this.key = key;
        this.expired = expired;
        this.deletableOnly = deletableOnly;
        this.before = before;
    }

    /** The name in reports and JSON. */
    public String code() {
        return code;
    }

    /** The tables a delete of this kind touches, for the vacuum that follows. */
    List<String> tables() {
        return tables;
    }

    /** How many have expired (for job instances: instances, not their rows). */
    long count(Handle handle, Cutoffs cutoffs) {
        return countOf(handle, expired, before.apply(cutoffs));
    }

    /**
     * Deletes at most about {@code batchSize} expired rows; returns how many of this kind went.
     * A keyed kind deletes from its table the rows whose key its query selects: names from
     * this enum, never input.
     */
    int deleteBatch(Handle handle, Cutoffs cutoffs, int batchSize) {
        return handle.createUpdate("DELETE FROM " + tables.get(0) + " WHERE " + key + " = ANY (ARRAY(" + expired + deletableOnly
                        + " LIMIT :batch))")
                .bind("before", before.apply(cutoffs)).bind("batch", batchSize).execute();
    }

    /**
     * On Citus, where a ctid names a row of one shard only, a per-user table's rows of days
     * before the cutoff go by their key, {@code (user_id, id)}; empty elsewhere.
     */
    private static Optional<Integer> deleteByUserKey(Handle handle, String table, String id, Cutoffs cutoffs, int batchSize) {
        if (!CitusDistribution.isDistributed(handle, table)) {
            return Optional.empty();
        }
        return Optional.of(handle.createUpdate("DELETE FROM " + table + " WHERE (user_id, " + id + ") IN (SELECT t.user_id, t."
                        + id + " FROM " + table + " t WHERE t.quota_date < :before LIMIT :batch)")
                .bind("before", cutoffs.requestDaysBefore()).bind("batch", batchSize).execute());
    }

    /** How many rows {@code expired} (a query of their keys, bound {@code :before}) finds. */
    private static long countOf(Handle handle, String expired, Object before) {
        return handle.createQuery("SELECT count(*) FROM (" + expired + ") expired").bind("before", before).mapTo(Long.class).one();
    }
}
