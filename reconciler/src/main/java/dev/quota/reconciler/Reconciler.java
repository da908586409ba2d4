package dev.quota.reconciler;

import dev.quota.core.ErrorCode;
import dev.quota.core.Progress;
import dev.quota.core.QuotaDay;
import dev.quota.core.QuotaException;
import dev.quota.core.UserKey;
import dev.quota.core.db.Database;
import dev.quota.core.db.ReadContract;
import dev.quota.core.db.ServerRole;
import dev.quota.core.db.SqlStates;
import dev.quota.core.db.StandbyReplay;
import dev.quota.core.drift.DayLedger;
import dev.quota.core.persistence.KeyRange;
import dev.quota.core.persistence.UserMessagesOfDays;
import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobInstanceAlreadyCompleteException;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * Runs {@code quotaReconciliationJob}: the entry point of {@code quota reconcile} and
 * {@code scripts/reconcile}. Starting a run with the parameters of one that failed or was
 * killed resumes it from its last committed chunk; a completed range is only run again
 * with {@code rerun}. One run at a time per database, guarded by an advisory lock.
 */
public final class Reconciler implements AutoCloseable {

    /** The advisory lock key that keeps two reconciliations from running at once. */
    private static final long RUN_LOCK = 0x71756f7461726563L;

    /** How many times a run resumes after the standby cancelled its scan (a recovery conflict). */
    static final int CONFLICT_RESUMES = 3;

    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

    private final Database database;
    private final ScanSource scan;
    private final Clock clock;
    private final AnnotationConfigApplicationContext context;

    /** On the caller's database, which it does not close. */
    public Reconciler(Database database, Clock clock) {
        this(database, ScanSource.PRIMARY, clock, ledger -> { });
    }

    /** Writing to {@code database}, the primary, and scanning where {@code scan} says; the caller closes both. */
    public Reconciler(Database database, ScanSource scan, Clock clock) {
        this(database, scan, clock, ledger -> { });
    }

    /** With a hook that sees each finding before it is written (tests use it to fail mid-step). */
    public Reconciler(Database database, Clock clock, Consumer<DayLedger> hook) {
        this(database, ScanSource.PRIMARY, clock, hook);
    }

    /** Scanning where {@code scan} says, with the hook that sees each finding before it is written. */
    public Reconciler(Database database, ScanSource scan, Clock clock, Consumer<DayLedger> hook) {
        this.database = database;
        this.scan = scan;
        this.clock = clock;
        ServerRole.requireWritable(database, "the reconciliation (its job repository, runs and repairs)");
        for (Database reads : scan.standby().map(standby -> List.of(database, standby)).orElse(List.of(database))) {
            try {
                reads.jdbi().useHandle(handle -> ReadContract.requireUsable(handle, reads.config().schemas()));
            } catch (RuntimeException e) {
                throw SqlStates.translate(e);
            }
        }
        this.context = new AnnotationConfigApplicationContext();
        // delegates, not the pools themselves: closing the context must not close the caller's pools
        context.registerBean("dataSource", DataSource.class, () -> new DelegatingDataSource(database.dataSource()));
        context.registerBean(ReconciliationJobConfiguration.StandbyConnections.class, () -> new ReconciliationJobConfiguration.StandbyConnections(
                new DelegatingDataSource(scan.standby().orElse(database).dataSource())));
        context.registerBean(ReconciliationJobConfiguration.FindingHook.class, () -> hook::accept);
        context.registerBean(ReconciliationJobConfiguration.ConnectionBudget.class,
                () -> ReconciliationJobConfiguration.ConnectionBudget.forPool(database.config().poolSize()));
        context.registerBean(ScanProgress.class, ScanProgress::new);
        context.register(ReconciliationJobConfiguration.class);
        context.refresh();
    }

    public ReconcileResult run(ReconcileRequest request) {
        return run(request, Progress.NONE);
    }

    /** As {@link #run(ReconcileRequest)}, reporting the day ledgers read to {@code progress}. */
    public ReconcileResult run(ReconcileRequest request, Progress progress) {
        request.requireFinishedDays(clock);
        JobParametersBuilder parameters = new JobParametersBuilder()
                .addLocalDate(ReconciliationJobKeys.FROM, request.from().date())
                .addLocalDate(ReconciliationJobKeys.TO, request.to().date())
                .addString(ReconciliationJobKeys.MODE, request.mode().code())
                .addLong(ReconciliationJobKeys.CHUNK_SIZE, (long) request.chunkSize(), false)
                .addLong(ReconciliationJobKeys.PARTITIONS, (long) request.partitions(), false)
                .addLong(ReconciliationJobKeys.MAX_ROWS_PER_SECOND, (long) request.maxRowsPerSecond(), false);
        if (request.prune()) {
            parameters.addLocalDate(ReconciliationJobKeys.PRUNE_AS_OF, QuotaDay.today(clock).date(), false);
        }
        if (request.rerun()) {
            parameters.addString(ReconciliationJobKeys.RERUN, java.util.UUID.randomUUID().toString());
        }
        long started = System.nanoTime();
        try (Connection lock = database.dataSource().getConnection()) {
            if (!tryLock(lock)) {
                throw new QuotaException(ErrorCode.CONTENTION_TIMEOUT, "another reconciliation is running on this database");
            }
            try {
                String scanOn = scanOn();
                parameters.addString(ReconciliationJobKeys.SCAN_ON, scanOn, false);
                parameters.addString(ReconciliationJobKeys.LEDGER_SCAN, ledgerScan(request, scanOn).code(), false);
                context.getBean(ScanProgress.class).start(progress, progress == Progress.NONE ? 0 : countersIn(request, scanOn));
                JobParameters jobParameters = parameters.toJobParameters();
                recoverStaleExecution(jobParameters);
                JobExecution execution = context.getBean(JobOperator.class).start(context.getBean(Job.class), jobParameters);
                int resumes = 0;
                while (scanOn.equals(ReconciliationJobKeys.SCAN_STANDBY) && resumes < CONFLICT_RESUMES
                        && execution.getStatus() == BatchStatus.FAILED && cancelledByRecovery(execution)) {
                    resumes++;
                    LOG.warn("the standby cancelled the scan (a recovery conflict); resuming run {} from its last committed chunk"
                            + " ({} of {})", execution.getJobInstanceId(), resumes, CONFLICT_RESUMES);
                    scanOn();
                    execution = context.getBean(JobOperator.class).start(context.getBean(Job.class), jobParameters);
                }
                return summarize(execution, request, Duration.ofNanos(System.nanoTime() - started), scanOn, resumes);
            } catch (JobInstanceAlreadyCompleteException e) {
                throw QuotaException.invalidInput("days " + request.from() + ".." + request.to() + " were already reconciled in "
                        + request.mode().code() + " mode; pass --rerun to run them again");
            } catch (QuotaException e) {
                throw e;
            } catch (Exception e) {
                throw SqlStates.translate(e);
            } finally {
                unlock(lock);
            }
        } catch (SQLException e) {
            throw SqlStates.translate(e);
        }
    }

    /**
     * Where this run scans: the standby once it has replayed what the primary had committed
     * by now, else (when allowed) the primary; {@code standby_behind} otherwise, before any
     * row is read, so that no run is reported clean from data the primary has moved past.
     */
    private String scanOn() {
        if (scan.standby().isEmpty()) {
            return ReconciliationJobKeys.SCAN_PRIMARY;
        }
        try {
            StandbyReplay.Caught caught = StandbyReplay.await(database, scan.standby().get(), scan.catchUpBound());
            LOG.info("scanning on {}: it had replayed the primary's {} after {} ms", scan.standby().get().describe(),
                    caught.primaryLsn(), caught.waited().toMillis());
            return ReconciliationJobKeys.SCAN_STANDBY;
        } catch (QuotaException e) {
            if (e.code() != ErrorCode.STANDBY_BEHIND || !scan.primaryWhenBehind()) {
                throw e;
            }
            LOG.warn("{}; scanning the primary instead, as asked", e.getMessage());
            return ReconciliationJobKeys.SCAN_PRIMARY;
        }
    }

    /** The request's scan; for AUTO, the one that serves the server scanned ({@link LedgerScan#servingHere}). */
    private LedgerScan ledgerScan(ReconcileRequest request, String scanOn) {
        if (request.scan() != LedgerScan.AUTO) {
            return request.scan();
        }
        LedgerScan picked = scanned(scanOn).jdbi().withHandle(LedgerScan::servingHere);
        LOG.info("reading the day ledgers with the {} scan", picked.code());
        return picked;
    }

    /** The database the run's scan reads: the standby or the primary. */
    private Database scanned(String scanOn) {
        return scanOn.equals(ReconciliationJobKeys.SCAN_STANDBY) ? scan.standby().orElseThrow() : database;
    }

    /** About as many rows as the scan will read: the range's counters, on the server it scans (shown as a total, never relied on). */
    private long countersIn(ReconcileRequest request, String scanOn) {
        return scanned(scanOn).jdbi().withHandle(handle -> handle.createQuery(
                        "SELECT count(*) FROM user_daily_quota_usages WHERE quota_date BETWEEN :from AND :to")
                .bind("from", request.from().date()).bind("to", request.to().date()).mapTo(Long.class).one());
    }

    /** A hot standby cancels a query whose snapshot or locks stand in the way of replay, with SQLSTATE 40001. */
    private static boolean cancelledByRecovery(JobExecution execution) {
        return execution.getAllFailureExceptions().stream()
                .anyMatch(failure -> SqlStates.sqlState(failure).filter(SqlStates.SERIALIZATION_FAILURE::equals).isPresent());
    }

    private static void unlock(Connection connection) throws SQLException {
        try (var statement = connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
            statement.setLong(1, RUN_LOCK);
            statement.execute();
        }
    }

    private static boolean tryLock(Connection connection) throws SQLException {
        try (var statement = connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            statement.setLong(1, RUN_LOCK);
            try (var rs = statement.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /**
     * An execution still marked running while we hold the run lock was killed with its
     * process: mark it failed so that starting again resumes it.
     */
    private void recoverStaleExecution(JobParameters parameters) {
        JobRepository repository = context.getBean(JobRepository.class);
        JobExecution last = repository.getLastJobExecution(ReconciliationJobKeys.JOB, parameters);
        if (last != null && last.isRunning()) {
            context.getBean(JobOperator.class).recover(last);
        }
    }

    private ReconcileResult summarize(JobExecution execution, ReconcileRequest request, Duration duration, String scanOn, int resumes) {
        JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
        long runId = execution.getExecutionContext().containsKey(RunRecorder.RUN_ID)
                ? execution.getExecutionContext().getLong(RunRecorder.RUN_ID) : 0;
        Map<String, Long> byKind = new LinkedHashMap<>();
        for (var kind : dev.quota.core.drift.DriftKind.values()) {
            byKind.put(kind.code(), 0L);
        }
        jdbc.query("SELECT k, count(*) FROM quota_reconciliation_drifts, unnest(kinds) AS k WHERE run_id = ? GROUP BY k",
                rs -> {
                    byKind.put(rs.getString(1), rs.getLong(2));
                }, runId);
        Map<String, Object> run = jdbc.queryForMap(
                "SELECT rows_scanned, drifts, repaired, (SELECT count(*) FROM quota_reconciliation_drifts WHERE run_id = r.id AND unresolved) AS remaining"
                        + " FROM quota_reconciliation_runs r WHERE id = ?", runId);
        QuotaException error = execution.getAllFailureExceptions().stream().findFirst().map(SqlStates::translate).orElse(null);
        long pruned = execution.getStepExecutions().stream()
                .filter(step -> ReconciliationJobKeys.PRUNE_STEP.equals(step.getStepName()))
                .mapToLong(step -> step.getWriteCount()).sum();
        ReconcileResult.HeldNow holds = jdbc.queryForObject("""
                        SELECT COALESCE(sum(units) FILTER (WHERE state = 'held' AND expires_at > now()), 0),
                               count(*) FILTER (WHERE state = 'held' AND expires_at <= now() AND quota_date BETWEEN ? AND ?)
                          FROM quota_holds""",
                (rs, row) -> new ReconcileResult.HeldNow(rs.getLong(1), rs.getLong(2)), request.from().date(), request.to().date());
        return new ReconcileResult(runId, execution.getId(), execution.getStatus().name(), request.mode(), request.from(), request.to(),
                ((Number) run.get("rows_scanned")).longValue(), ((Number) run.get("drifts")).longValue(), byKind,
                ((Number) run.get("repaired")).longValue(), ((Number) run.get("remaining")).longValue(),
                findings(runId, 10), pruned, duration, scanOn, resumes, holds, error);
    }

    /** A run's findings, the largest drifts first; {@code limit} 0 means all. */
    public List<Finding> findings(long runId, int limit) {
        return new JdbcTemplate(database.dataSource()).query("""
                SELECT user_id, quota_date, used_count, expected, messages, effective_limit, drift, kinds, repaired,
                       primary_used_count, primary_expected
                  FROM quota_reconciliation_drifts WHERE run_id = ?
                 ORDER BY abs(drift) DESC, user_id, quota_date
                 LIMIT CASE WHEN ? = 0 THEN NULL ELSE ? END
                """, (rs, row) -> {
                    int used = rs.getInt("used_count");
                    Integer usedCount = rs.wasNull() ? null : used;
                    int limitValue = rs.getInt("effective_limit");
                    Integer effectiveLimit = rs.wasNull() ? null : limitValue;
                    Array kinds = rs.getArray("kinds");
                    return new Finding(UserKey.fromSql(rs.getObject("user_id")), rs.getObject("quota_date", java.time.LocalDate.class), usedCount,
                            rs.getInt("expected"), rs.getInt("messages"), effectiveLimit, rs.getInt("drift"),
                            Arrays.asList((String[]) kinds.getArray()), rs.getBoolean("repaired"),
                            rs.getObject("primary_used_count", Integer.class), rs.getObject("primary_expected", Integer.class));
                }, runId, limit, limit);
    }

    /** The database's own time for the same drift set: the job's scan as one query over all users, counted (the benchmark's ceiling). */
    public long countDriftsInOneQuery(ReconcileRequest request) {
        return countDriftsInOneQuery(request, UserMessagesOfDays.SQL);
    }

    /**
     * The same, with the user messages of each day counted by {@code userMessagesOfDays}: a
     * query written on the product's own tables instead of the view {@code user_messages}
     * (positional parameters: from, to, then {@code {key_range}}, which becomes {@link KeyRange#PREDICATE}).
     */
    public long countDriftsInOneQuery(ReconcileRequest request, String userMessagesOfDays) {
        return new JdbcTemplate(database.dataSource()).queryForObject(DayLedgerQuery.driftCountSql(userMessagesOfDays.strip()), Long.class,
                DayLedgerQuery.arguments(request.from().date(), request.to().date(), KeyRange.ALL).toArray());
    }

    /** Closes the job's context; the database stays the caller's. */
    @Override
    public void close() {
        context.close();
    }
}
