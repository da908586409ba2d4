package dev.quota.core.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quota.core.QuotaDay;
import dev.quota.core.db.Database;
import dev.quota.core.db.Schemas;
import dev.quota.core.db.StandIn;
import dev.quota.core.testing.FreshDatabase;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Retention: what the toolkit wrote is removed once it has outlived the window its settings
 * give it, in batches, and nothing younger is touched. Days are fixed: no test reads the date.
 */
class PrunerTest {

    private static final QuotaDay TODAY = QuotaDay.parse("2026-07-20");

    @RegisterExtension
    final FreshDatabase db = new FreshDatabase();

    private void requestIdsOn(LocalDate day, int count) {
        db.jdbi().useHandle(handle -> handle.createUpdate("""
                        INSERT INTO consumed_requests (request_id, user_id, quota_date, units)
                        SELECT :day || '-' || i, 1, CAST(:day AS date), 1 FROM generate_series(1, :count) i
                        """)
                .bind("day", day.toString()).bind("count", count).execute());
    }

    private long count(String sql) {
        return db.jdbi().withHandle(handle -> handle.createQuery(sql).mapTo(Long.class).one());
    }

    private List<LocalDate> requestDays() {
        return db.jdbi().withHandle(handle -> handle.createQuery("SELECT DISTINCT quota_date FROM consumed_requests ORDER BY 1")
                .mapTo(LocalDate.class).list());
    }

    /** A finished run started at {@code startedAt}, with a finding, and its job instance and execution. */
    private void runStartedAt(long instance, Instant startedAt) {
        runStartedAt(instance, startedAt, true);
    }

    private void runStartedAt(long instance, Instant startedAt, boolean ended) {
        db.jdbi().useHandle(handle -> {
            LocalDateTime local = LocalDateTime.ofInstant(startedAt, java.time.ZoneOffset.UTC);
            LocalDateTime end = ended ? local : null;
            handle.createUpdate("""
                            INSERT INTO batch_job_instance (job_instance_id, version, job_name, job_key) VALUES (:i, 0, 'quotaReconciliationJob', :key);
                            INSERT INTO batch_job_execution (job_execution_id, version, job_instance_id, create_time, start_time, end_time, status)
                            VALUES (:i, 0, :i, :at, :at, CAST(:end AS timestamp), CASE WHEN CAST(:end AS timestamp) IS NULL THEN 'STARTED' ELSE 'COMPLETED' END);
                            INSERT INTO batch_job_execution_params (job_execution_id, parameter_name, parameter_type, parameter_value, identifying)
                            VALUES (:i, 'from', 'java.time.LocalDate', '2026-01-01', 'Y');
                            INSERT INTO batch_job_execution_context (job_execution_id, short_context) VALUES (:i, '{}');
                            INSERT INTO batch_step_execution (step_execution_id, version, step_name, job_execution_id, create_time, status)
                            VALUES (:i, 0, 'reconcile', :i, :at, 'COMPLETED');
                            INSERT INTO batch_step_execution_context (step_execution_id, short_context) VALUES (:i, '{}');
                            """)
                    .bind("i", instance).bind("key", "key-" + instance).bind("at", local).bind("end", end).execute();
            long run = handle.createQuery("""
                            INSERT INTO quota_reconciliation_runs (job_instance_id, mode, date_from, date_to, status, started_at)
                            VALUES (:i, 'report', '2026-01-01', '2026-01-01', 'completed', :at) RETURNING id
                            """)
                    .bind("i", instance).bind("at", startedAt).mapTo(Long.class).one();
            handle.createUpdate("""
                            INSERT INTO quota_reconciliation_drifts (run_id, user_id, quota_date, used_count, expected, messages, drift, kinds)
                            VALUES (:run, 1, '2026-01-01', 3, 2, 2, 1, ARRAY['over_counted'])
                            """)
                    .bind("run", run).execute();
        });
    }

    private void settings(String assignment) {
        db.jdbi().useHandle(handle -> handle.execute("UPDATE settings SET " + assignment));
    }

    @Test
    void givenRequestIdsOfTheLastTenDays_whenPrunedWithTheDefaultWindow_thenTheLastSevenDaysAndTodayStay() {
        for (int back = 0; back <= 10; back++) {
            requestIdsOn(TODAY.date().minusDays(back), 3);
        }

        Pruner.PruneReport report = new Pruner(db.jdbi()).prune(TODAY);

        assertThat(requestDays()).first().isEqualTo(TODAY.date().minusDays(7));
        assertThat(requestDays()).hasSize(8);
        assertThat(report.byCode()).containsEntry("request_ids", 9L);
    }

    @Test
    void givenHoldsOfTheLastTenDaysInEveryState_whenPruned_thenTheIdempotencyWindowsHoldsStayAndTheOlderGo() {
        for (int back = 0; back <= 10; back++) {
            LocalDate day = TODAY.date().minusDays(back);
            db.jdbi().useHandle(handle -> handle.createUpdate("""
                            INSERT INTO quota_holds (user_id, request_id, quota_date, units, state, expires_at)
                            SELECT 1, :day || '-' || s, CAST(:day AS date), 1, s, now() + interval '1 hour'
                              FROM unnest(ARRAY['held', 'settled', 'released']) s
                            """)
                    .bind("day", day.toString()).execute());
        }

        Pruner.PruneReport report = new Pruner(db.jdbi()).prune(TODAY);

        assertThat(count("SELECT count(DISTINCT quota_date) FROM quota_holds")).isEqualTo(8);
        assertThat(count("SELECT count(*) FROM quota_holds WHERE quota_date < CAST('" + TODAY.date().minusDays(7) + "' AS date)")).isZero();
        assertThat(report.byCode()).containsEntry("holds", 9L);
    }

    @Test
    void givenAWindowChangedInSettings_whenPruned_thenTheNewWindowApplies() {
        requestIdsOn(TODAY.date().minusDays(2), 1);
        requestIdsOn(TODAY.date().minusDays(1), 1);
        settings("idempotency_days = 1");

        new Pruner(db.jdbi()).prune(TODAY);

        assertThat(requestDays()).containsExactly(TODAY.date().minusDays(1));
    }

    @Test
    void givenMoreExpiredRowsThanABatch_whenPruned_thenEachBatchIsItsOwnTransactionOfAtMostTheBatchSize() {
        requestIdsOn(TODAY.date().minusDays(30), 10);
        settings("prune_batch_size = 4, prune_rows_per_second = 0");
        Pruner.Run run = new Pruner(db.jdbi()).start(TODAY);

        List<Long> afterEachBatch = new java.util.ArrayList<>();
        while (run.deleteBatch()) {
            afterEachBatch.add(count("SELECT count(*) FROM consumed_requests"));
        }

        // committed batch by batch: another connection sees each one go
        assertThat(afterEachBatch).containsExactly(6L, 2L, 0L);
    }

    @Test
    void givenExpiredRows_whenCountedInADryRun_thenCountedAndNothingDeleted() {
        requestIdsOn(TODAY.date().minusDays(30), 5);
        runStartedAt(1, TODAY.startsAt().minus(java.time.Duration.ofDays(100)));

        Pruner.PruneReport report = new Pruner(db.jdbi()).count(TODAY);

        assertThat(report.byCode()).containsEntry("request_ids", 5L).containsEntry("reconciliation_findings", 1L)
                .containsEntry("reconciliation_runs", 1L).containsEntry("job_instances", 1L);
        assertThat(report.deleted()).isFalse();
        assertThat(count("SELECT count(*) FROM consumed_requests")).isEqualTo(5);
        assertThat(count("SELECT count(*) FROM batch_job_instance")).isEqualTo(1);
    }

    @Test
    void givenRunsOlderAndYoungerThanTheirRetention_whenPruned_thenOnlyTheOldRunsFindingsAndJobRecordsGo() {
        runStartedAt(1, TODAY.startsAt().minus(java.time.Duration.ofDays(91)));
        runStartedAt(2, TODAY.startsAt().minus(java.time.Duration.ofDays(89)));

        Pruner.PruneReport report = new Pruner(db.jdbi()).prune(TODAY);

        assertThat(count("SELECT count(*) FROM quota_reconciliation_runs WHERE job_instance_id = 1")).isZero();
        assertThat(count("SELECT count(*) FROM quota_reconciliation_drifts")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM quota_reconciliation_runs")).isEqualTo(1);
        long oldJobRows = db.jdbi().withHandle(handle -> jobRowsOf(handle, 1));
        long youngJobRows = db.jdbi().withHandle(handle -> jobRowsOf(handle, 2));
        assertThat(oldJobRows).isZero();
        assertThat(youngJobRows).isEqualTo(6);
        assertThat(report.byCode()).containsEntry("job_instances", 1L);
    }

    private static long jobRowsOf(Handle handle, long instance) {
        return handle.createQuery("""
                        SELECT (SELECT count(*) FROM batch_job_instance WHERE job_instance_id = :i)
                             + (SELECT count(*) FROM batch_job_execution WHERE job_instance_id = :i)
                             + (SELECT count(*) FROM batch_job_execution_params WHERE job_execution_id = :i)
                             + (SELECT count(*) FROM batch_job_execution_context WHERE job_execution_id = :i)
                             + (SELECT count(*) FROM batch_step_execution WHERE job_execution_id = :i)
                             + (SELECT count(*) FROM batch_step_execution_context WHERE step_execution_id = :i)
                        """)
                .bind("i", instance).mapTo(Long.class).one();
    }

    @Test
    void givenAJobExecutionThatHasNotEnded_whenPrunedLongAfterItsTimes_thenItsRecordIsKept() {
        // a running job stamps its record with its host's clock, which may lag the database's
        runStartedAt(1, TODAY.startsAt().minus(java.time.Duration.ofDays(400)), false);

        new Pruner(db.jdbi()).prune(TODAY);

        long jobRows = db.jdbi().withHandle(handle -> jobRowsOf(handle, 1));
        assertThat(jobRows).isEqualTo(6);
    }

    @Test
    void givenAnAuditTrailYearsOld_whenPruned_thenItIsKept() {
        db.jdbi().useHandle(handle -> handle.execute("""
                INSERT INTO quota_adjustments (user_id, quota_date, kind, requested, applied_delta, reason, actor, created_at)
                VALUES (1, '2020-01-01', 'grant', 5, 5, 'vip', 'support:ana', '2020-01-01T10:00:00Z')
                """));

        new Pruner(db.jdbi()).prune(TODAY);

        assertThat(count("SELECT count(*) FROM quota_adjustments")).isEqualTo(1);
    }

    /** A clock that moves only when the pace sleeps: what the pace asked for, without waiting for it. */
    private static final class ScriptedTime implements Pruner.Time {
        long now;
        final List<Long> sleeps = new java.util.ArrayList<>();

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void sleepNanos(long nanos) {
            sleeps.add(nanos);
            now += nanos;
        }
    }

    @Test
    void givenAPaceOf100RowsPerSecond_whenThreeBatchesOf50AreDeleted_thenEachWaitsUntilHalfASecondAfterThePreviousStarted() {
        requestIdsOn(TODAY.date().minusDays(30), 150);
        settings("prune_batch_size = 50, prune_rows_per_second = 100");
        ScriptedTime time = new ScriptedTime();
        Pruner.Run run = new Pruner(db.jdbi(), time).start(TODAY);

        while (run.deleteBatch()) {
            // all three
        }

        assertThat(time.sleeps).containsExactly(500_000_000L, 500_000_000L, 500_000_000L);
    }

    @Test
    void givenNoPace_whenPruned_thenNothingWaits() {
        requestIdsOn(TODAY.date().minusDays(30), 150);
        settings("prune_batch_size = 50, prune_rows_per_second = 0");
        ScriptedTime time = new ScriptedTime();

        new Pruner(db.jdbi(), time).prune(TODAY);

        assertThat(time.sleeps).isEmpty();
    }

    @Test
    void givenThePrunedTablesOwnedByTheRole_whenPruned_thenTheyAreVacuumed() {
        requestIdsOn(TODAY.date().minusDays(30), 5);

        Pruner.PruneReport report = new Pruner(db.jdbi()).prune(TODAY);

        assertThat(report.vacuumed()).containsExactly("consumed_requests");
        assertThat(count("SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'consumed_requests'")).isEqualTo(1);
    }

    /** A simulation's scratch schemas with its stand-in installed {@code ago} (an SQL interval) before the server's now. */
    private Schemas simulationInstalled(String ago) {
        Schemas scratch = Schemas.scratch(ScratchSchemas.SIMULATION);
        try (Database database = Database.open(db.config().withSchemas(scratch))) {
            StandIn.install(database);
            database.jdbi().useHandle(handle -> handle.createUpdate("UPDATE " + StandIn.HISTORY
                    + " SET installed_on = now() - CAST(:ago AS interval)").bind("ago", ago).execute());
        }
        return scratch;
    }

    private boolean schemaExists(String schema) {
        return count("SELECT count(*) FROM pg_namespace WHERE nspname = '" + schema + "'") == 1;
    }

    @Test
    void givenAKilledSimulationsSchemasOfTwoDaysAgoAndARunningOnesOfNow_whenPruned_thenOnlyTheExpiredPairGoes() {
        Schemas expired = simulationInstalled("2 days");
        Schemas running = simulationInstalled("1 minute");

        new Pruner(db.jdbi()).prune(TODAY);

        assertThat(schemaExists(expired.product())).isFalse();
        assertThat(schemaExists(expired.toolkit())).isFalse();
        assertThat(schemaExists(running.product())).isTrue();
        assertThat(schemaExists(running.toolkit())).isTrue();
    }
}
