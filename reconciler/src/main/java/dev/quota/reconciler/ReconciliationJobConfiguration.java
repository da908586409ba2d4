package dev.quota.reconciler;

import static dev.quota.reconciler.ReconciliationJobKeys.JOB;
import static dev.quota.reconciler.ReconciliationJobKeys.PRUNE_STEP;
import static dev.quota.reconciler.ReconciliationJobKeys.READER;
import static dev.quota.reconciler.ReconciliationJobKeys.SCAN_STANDBY;
import static dev.quota.reconciler.ReconciliationJobKeys.WORKER_STEP;

import dev.quota.core.QuotaDay;
import dev.quota.core.UserKeyType;
import dev.quota.core.db.Database;
import dev.quota.core.drift.DayLedger;
import dev.quota.core.persistence.KeyRange;
import dev.quota.core.retention.Pruner;
import java.time.LocalDate;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handles;
import org.jdbi.v3.core.Jdbi;
import org.springframework.batch.core.configuration.annotation.EnableBatchProcessing;
import org.springframework.batch.core.configuration.annotation.EnableJdbcJobRepository;
import org.springframework.batch.core.configuration.annotation.JobScope;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.item.ItemProcessor;
import org.springframework.batch.infrastructure.item.database.JdbcCursorItemReader;
import org.springframework.batch.infrastructure.item.support.AbstractItemCountingItemStreamItemReader;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.jdbc.core.ArgumentPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.JdbcTransactionManager;

/**
 * {@code quotaReconciliationJob}, in plain Java configuration: a partitioned step over
 * user-id ranges whose workers stream each range's day ledgers with a cursor, keep the
 * drifting ones and record (and in repair mode, fix) them chunk by chunk; then a prune step
 * removes what has outlived its retention. The job repository lives in the same PostgreSQL,
 * in the tables the project's migrations create.
 */
@Configuration(proxyBeanMethods = false)
@EnableBatchProcessing
@EnableJdbcJobRepository
public class ReconciliationJobConfiguration {

    /** The read URL's pool (the primary's when none is given): where a worker's cursor reads when the run scans the standby. */
    public record StandbyConnections(DataSource dataSource) {
    }

    /** Test seam: sees each finding before it is written (a test makes it fail mid-step). */
    public interface FindingHook extends Consumer<DayLedger> {
    }

    /**
     * How many partitions may run at once on the database's pool: each running partition
     * holds a cursor connection and a chunk connection, and the repository needs its own.
     */
    public record ConnectionBudget(int partitionsAtOnce) {

        public static ConnectionBudget forPool(int poolSize) {
            int cores = Runtime.getRuntime().availableProcessors();
            return new ConnectionBudget(Math.max(1, Math.min(cores, (poolSize - 2) / 2)));
        }
    }

    /** Chunk transactions, free of the interactive statement timeout ({@link JobStatements}). */
    @Bean
    public JdbcTransactionManager transactionManager(DataSource dataSource) {
        return new JobStatements.TransactionManager(dataSource);
    }

    @Bean
    public Job quotaReconciliationJob(JobRepository jobRepository, Step reconcileStep, Step pruneStep, DataSource dataSource) {
        return new JobBuilder(JOB, jobRepository)
                .listener(new RunRecorder(new JdbcTemplate(dataSource), jobRepository))
                .start(reconcileStep)
                .next(pruneStep)
                .build();
    }

    /**
     * Retention, in a step of its own after the findings are written: batches of expired
     * rows deleted by the core's Pruner, each in its own short transaction on the pool (not
     * the step's), then a vacuum, which no transaction may enclose.
     */
    @Bean
    @JobScope
    public Step pruneStep(JobRepository jobRepository, JdbcTransactionManager transactionManager, DataSource dataSource,
                          @Value("#{jobParameters['pruneAsOf']}") LocalDate pruneAsOf) {
        Jdbi jdbi = Database.withPlugins(Jdbi.create(dataSource));
        Tasklet tasklet = pruneAsOf == null
                ? (contribution, chunk) -> RepeatStatus.FINISHED
                : new PruneTasklet(new Pruner(jdbi), QuotaDay.of(pruneAsOf));
        return new StepBuilder(PRUNE_STEP, jobRepository)
                .tasklet(tasklet, transactionManager)
                .build();
    }

    /**
     * Job-scoped, so that the run's job parameters are its one source of settings: this
     * manager step runs on the job's thread, where the job scope is active, and builds the
     * worker step inline; the workers' reader and writer are step-scoped, bound per partition.
     */
    @Bean
    @JobScope
    public Step reconcileStep(JobRepository jobRepository, JdbcTransactionManager transactionManager, DataSource dataSource,
                              AbstractItemCountingItemStreamItemReader<DayLedger> ledgerReader, FindingWriter findingWriter,
                              ConnectionBudget budget,
                              ScanProgress progress,
                              @Value("#{jobParameters['chunkSize']}") Long chunkSize,
                              @Value("#{jobParameters['partitions']}") Long partitions,
                              @Value("#{jobParameters['maxRowsPerSecond']}") Long maxRowsPerSecond) {
        ItemProcessor<DayLedger, DayLedger> onlyDrifting = ledger -> ledger.drifting() ? ledger : null;
        Step worker = new StepBuilder(WORKER_STEP, jobRepository)
                .<DayLedger, DayLedger>chunk(chunkSize.intValue())
                .transactionManager(transactionManager)
                .reader(ledgerReader)
                .processor(onlyDrifting)
                .writer(findingWriter)
                .listener(ReadPace.of(maxRowsPerSecond == null ? 0 : maxRowsPerSecond))
                .listener(progress)
                .build();
        SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor("reconcile-");
        executor.setConcurrencyLimit(Math.max(1, Math.min(partitions.intValue(), budget.partitionsAtOnce())));
        return new StepBuilder("reconcile", jobRepository)
                .partitioner(WORKER_STEP, new UserRangePartitioner(new JdbcTemplate(dataSource)))
                .step(worker)
                .gridSize(partitions.intValue())
                .taskExecutor(executor)
                .build();
    }

    /** A partition's day ledgers, read as the run's {@link LedgerScan} says (ONE_QUERY or MERGED, decided at launch). */
    @Bean
    @StepScope
    public AbstractItemCountingItemStreamItemReader<DayLedger> ledgerReader(DataSource dataSource, StandbyConnections standby,
                                                         @Value("#{jobParameters['scanOn']}") String scanOn,
                                                         @Value("#{jobParameters['ledgerScan']}") String ledgerScan,
                                                         @Value("#{jobParameters['from']}") LocalDate from,
                                                         @Value("#{jobParameters['to']}") LocalDate to,
                                                         @Value("#{stepExecutionContext['userKeyType']}") String keyType,
                                                         @Value("#{stepExecutionContext['fromUserKey']}") String fromKey,
                                                         @Value("#{stepExecutionContext['untilUserKey']}") String untilKey) {
        DataSource source = SCAN_STANDBY.equals(scanOn) ? standby.dataSource() : dataSource;
        KeyRange keys = UserRangePartitioner.range(keyType, fromKey, untilKey);
        UserKeyType keyKind = UserKeyType.ofSqlType(keyType);
        if (LedgerScan.fromCode(ledgerScan) == LedgerScan.MERGED) {
            MergedLedgerReader merged = new MergedLedgerReader(source, keyKind, from, to, keys);
            merged.setName(READER);
            return merged;
        }
        JdbcCursorItemReader<DayLedger> reader = new JobStatements.CursorReader<>(source, DayLedgerQuery.oneQuery(keyKind),
                DayLedgerQuery.MAPPER);
        reader.setName(READER);
        reader.setPreparedStatementSetter(new ArgumentPreparedStatementSetter(DayLedgerQuery.arguments(from, to, keys).toArray()));
        // PostgreSQL streams a result only inside a transaction; otherwise it would load the range into memory
        reader.setConnectionAutoCommit(false);
        reader.setFetchSize(2000);
        reader.setVerifyCursorPosition(false);
        return reader;
    }

    @Bean
    @StepScope
    public FindingWriter findingWriter(DataSource dataSource, FindingHook hook,
                                       @Value("#{jobExecutionContext['runId']}") Long runId,
                                       @Value("#{jobParameters['mode']}") String mode) {
        Jdbi jdbi = Database.withPlugins(Jdbi.create(new SpringManagedConnections(dataSource)));
        // the chunk's transaction belongs to Spring: Jdbi must not end it when a handle closes
        jdbi.getConfig(Handles.class).setForceEndTransactions(false);
        return new FindingWriter(jdbi, runId, ReconcileMode.fromCode(mode), hook);
    }
}
