package dev.quota.reconciler;

import dev.quota.core.drift.DayLedger;
import java.time.LocalDate;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.Handles;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.springframework.batch.core.configuration.annotation.EnableBatchProcessing;
import org.springframework.batch.core.configuration.annotation.EnableJdbcJobRepository;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.item.ItemProcessor;
import org.springframework.batch.infrastructure.item.database.JdbcCursorItemReader;
import org.springframework.batch.infrastructure.item.database.builder.JdbcCursorItemReaderBuilder;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.JdbcTransactionManager;

/**
 * {@code quotaReconciliationJob}, in plain Java configuration: a partitioned step over
 * user-id ranges whose workers stream each range's day ledgers with a cursor, keep the
 * drifting ones and record (and in repair mode, fix) them chunk by chunk. The job
 * repository lives in the same PostgreSQL, in the tables the project's migrations create.
 */
@Configuration(proxyBeanMethods = false)
@EnableBatchProcessing
@EnableJdbcJobRepository
public class ReconciliationJobConfiguration {

    public static final String JOB = "quotaReconciliationJob";
    static final String WORKER_STEP = "reconcileWorker";
    static final String READER = "ledgers";
    static final String FROM = "from";
    static final String TO = "to";
    static final String MODE = "mode";
    static final String CHUNK_SIZE = "chunkSize";
    static final String PARTITIONS = "partitions";
    static final String RERUN = "rerun";

    /** Test seam: sees each finding before it is written (a test makes it fail mid-step). */
    public interface FindingHook extends Consumer<DayLedger> {
    }

    /**
     * The run's tuning. Partition worker threads have no job scope, so the steps read these
     * from a bean of the context built for the run rather than from job parameters.
     */
    public record RunSettings(int chunkSize, int partitions) {
    }

    @Bean
    public JdbcTransactionManager transactionManager(DataSource dataSource) {
        return new JdbcTransactionManager(dataSource);
    }

    @Bean
    public Job quotaReconciliationJob(JobRepository jobRepository, Step reconcileStep, DataSource dataSource) {
        return new JobBuilder(JOB, jobRepository)
                .listener(new RunRecorder(new JdbcTemplate(dataSource), jobRepository))
                .start(reconcileStep)
                .build();
    }

    @Bean
    public Step reconcileStep(JobRepository jobRepository, Step reconcileWorker, DataSource dataSource, RunSettings settings) {
        int partitions = settings.partitions();
        SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor("reconcile-");
        executor.setConcurrencyLimit(Math.max(1, Math.min(partitions, Runtime.getRuntime().availableProcessors())));
        return new StepBuilder("reconcile", jobRepository)
                .partitioner(WORKER_STEP, new UserRangePartitioner(new JdbcTemplate(dataSource)))
                .step(reconcileWorker)
                .gridSize(partitions)
                .taskExecutor(executor)
                .build();
    }

    @Bean
    public Step reconcileWorker(JobRepository jobRepository, JdbcTransactionManager transactionManager,
                                JdbcCursorItemReader<DayLedger> ledgerReader, FindingWriter findingWriter,
                                RunSettings settings) {
        ItemProcessor<DayLedger, DayLedger> onlyDrifting = ledger -> ledger.drifting() ? ledger : null;
        return new StepBuilder(WORKER_STEP, jobRepository)
                .<DayLedger, DayLedger>chunk(settings.chunkSize())
                .transactionManager(transactionManager)
                .reader(ledgerReader)
                .processor(onlyDrifting)
                .writer(findingWriter)
                .build();
    }

    @Bean
    @StepScope
    public JdbcCursorItemReader<DayLedger> ledgerReader(DataSource dataSource,
                                                         @Value("#{jobParameters['from']}") LocalDate from,
                                                         @Value("#{jobParameters['to']}") LocalDate to,
                                                         @Value("#{stepExecutionContext['lowestUserId']}") Long lowest,
                                                         @Value("#{stepExecutionContext['highestUserId']}") Long highest) {
        return new JdbcCursorItemReaderBuilder<DayLedger>()
                .name(READER)
                .dataSource(dataSource)
                .sql(DayLedgerQuery.SQL)
                .queryArguments(DayLedgerQuery.arguments(from, to, lowest, highest))
                .rowMapper(DayLedgerQuery.MAPPER)
                // PostgreSQL streams a result only inside a transaction; otherwise it would load the range into memory
                .connectionAutoCommit(false)
                .fetchSize(2000)
                .verifyCursorPosition(false)
                .build();
    }

    @Bean
    @StepScope
    public FindingWriter findingWriter(DataSource dataSource, FindingHook hook,
                                       @Value("#{jobExecutionContext['runId']}") Long runId,
                                       @Value("#{jobParameters['mode']}") String mode) {
        Jdbi jdbi = Jdbi.create(new SpringManagedConnections(dataSource))
                .installPlugin(new SqlObjectPlugin())
                .installPlugin(new PostgresPlugin());
        // the chunk's transaction belongs to Spring: Jdbi must not end it when a handle closes
        jdbi.getConfig(Handles.class).setForceEndTransactions(false);
        return new FindingWriter(jdbi, runId, ReconcileMode.fromCode(mode), hook);
    }
}
