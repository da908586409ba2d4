package dev.quota.reconciler;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
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
                """, Long.class, execution.getJobInstance().getInstanceId(), parameters.getString(ReconciliationJobKeys.MODE),
                (LocalDate) parameters.getParameter(ReconciliationJobKeys.FROM).value(),
                (LocalDate) parameters.getParameter(ReconciliationJobKeys.TO).value());
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
     * Rows read by every partition, across the executions of this run: for each step
     * execution that scanned a user range, the latest one of its partition, the reader's
     * position as of its last commit, which is what a restart resumes from (a failed
     * execution's own read count would also count its rolled-back chunk). A finished
     * partition's position also counts the final read that found no more rows.
     */
    private long rowsScanned(JobExecution current) {
        Map<String, StepExecution> latest = new HashMap<>();
        for (JobExecution execution : jobRepository.getJobExecutions(current.getJobInstance())) {
            JobExecution seen = execution.getId() == current.getId() ? current : execution;
            for (StepExecution step : seen.getStepExecutions()) {
                if (step.getExecutionContext().containsKey(UserRangePartitioner.KEY_TYPE)) {
                    latest.merge(step.getStepName(), step, (a, b) -> a.getId() > b.getId() ? a : b);
                }
            }
        }
        String position = ReconciliationJobKeys.READER + ".read.count";
        long total = 0;
        for (StepExecution step : latest.values()) {
            if (step.getExecutionContext().containsKey(position)) {
                int read = step.getExecutionContext().getInt(position);
                total += step.getStatus() == BatchStatus.COMPLETED ? Math.max(0, read - 1) : read;
            }
        }
        return total;
    }
}
