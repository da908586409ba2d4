package dev.quota.reconciler;

import java.time.LocalDate;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Keeps {@code quota_reconciliation_runs} in step with the job: one row per job instance
 * (a restart continues the same run), its summary written when an execution ends.
 */
final class RunRecorder implements JobExecutionListener {

    static final String RUN_ID = "runId";

    private final JdbcTemplate jdbc;
    private final JobRepository jobRepository;

    RunRecorder(JdbcTemplate jdbc, JobRepository jobRepository) {
        this.jdbc = jdbc;
        this.jobRepository = jobRepository;
    }

    @Override
    public void beforeJob(JobExecution execution) {
        var parameters = execution.getJobParameters();
        Long runId = jdbc.queryForObject("""
                INSERT INTO quota_reconciliation_runs (job_instance_id, mode, date_from, date_to, status)
                VALUES (?, ?, ?, ?, 'running')
                ON CONFLICT (job_instance_id) DO UPDATE SET status = 'running', finished_at = NULL
                RETURNING id
                """, Long.class, execution.getJobInstance().getInstanceId(), parameters.getString(ReconciliationJobConfiguration.MODE),
                (LocalDate) parameters.getParameter(ReconciliationJobConfiguration.FROM).value(),
                (LocalDate) parameters.getParameter(ReconciliationJobConfiguration.TO).value());
        execution.getExecutionContext().putLong(RUN_ID, runId);
    }

    @Override
    public void afterJob(JobExecution execution) {
        long runId = execution.getExecutionContext().getLong(RUN_ID);
        jdbc.update("""
                UPDATE quota_reconciliation_runs r
                   SET status = ?, finished_at = now(), rows_scanned = ?,
                       drifts = (SELECT count(*) FROM quota_reconciliation_drifts d WHERE d.run_id = r.id),
                       repaired = (SELECT count(*) FROM quota_reconciliation_drifts d WHERE d.run_id = r.id AND d.repaired)
                 WHERE id = ?
                """, execution.getStatus().name().toLowerCase(java.util.Locale.ROOT), rowsScanned(execution), runId);
    }

    /**
     * Rows read by every partition, across the executions of this run: each partition's
     * cursor position as of its last commit, which a restart resumes from. A finished
     * partition's position also counts the final read that found no more rows.
     */
    private long rowsScanned(JobExecution execution) {
        Long partitions = execution.getJobParameters().getLong(ReconciliationJobConfiguration.PARTITIONS);
        String key = ReconciliationJobConfiguration.READER + ".read.count";
        long total = 0;
        for (int i = 0; i < (partitions == null ? 0 : partitions); i++) {
            StepExecution last = jobRepository.getLastStepExecution(execution.getJobInstance(),
                    ReconciliationJobConfiguration.WORKER_STEP + ":" + UserRangePartitioner.PARTITION_PREFIX + i);
            if (last != null && last.getExecutionContext().containsKey(key)) {
                int position = last.getExecutionContext().getInt(key);
                total += last.getStatus() == BatchStatus.COMPLETED ? Math.max(0, position - 1) : position;
            }
        }
        return total;
    }
}
