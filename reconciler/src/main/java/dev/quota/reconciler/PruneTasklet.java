package dev.quota.reconciler;

import dev.quota.core.QuotaDay;
import dev.quota.core.retention.Pruner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * The job's prune step: what has outlived its retention goes, one batch per call, each
 * committed on its own by the core's {@link Pruner} (the step's transaction only records the
 * count), so a stop or a crash between batches loses nothing and a restart goes on. Counted
 * as the step's writes.
 */
final class PruneTasklet implements Tasklet {

    private static final Logger log = LoggerFactory.getLogger(PruneTasklet.class);

    private final Pruner pruner;
    private final QuotaDay today;
    private Pruner.Run run;

    PruneTasklet(Pruner pruner, QuotaDay today) {
        this.pruner = pruner;
        this.today = today;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
        if (run == null) {
            run = pruner.start(today);
        }
        long before = run.deletedSoFar();
        boolean more = run.deleteBatch();
        contribution.incrementWriteCount(run.deletedSoFar() - before);
        if (more) {
            return RepeatStatus.CONTINUABLE;
        }
        Pruner.PruneReport report = run.finish();
        log.info("pruned {} expired rows as of {}: {}; vacuumed {}", report.total(), today, report.byCode(), report.vacuumed());
        return RepeatStatus.FINISHED;
    }
}
