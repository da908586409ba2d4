package dev.quota.cli.simulate;

import dev.quota.cli.ProgressLine;
import dev.quota.core.QuotaDay;
import dev.quota.core.db.Database;
import dev.quota.core.db.ServerClock;
import dev.quota.core.db.DatabaseConfig;
import dev.quota.reconciler.LedgerScan;
import dev.quota.reconciler.ReconcileMode;
import dev.quota.reconciler.ReconcileRequest;
import dev.quota.reconciler.ReconcileResult;
import dev.quota.reconciler.Reconciler;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * Times the job in report mode against one hand-written query computing the same drift
 * set, in the same run and on the same data, and prints the ratio. {@code scripts/bench-reconcile}
 * runs it with {@code -Xmx256m} after seeding. On a terminal the job's scan shows its
 * progress, as {@code quota reconcile} does; in a pipe nothing is drawn. {@code
 * QUOTA_RECONCILE_SCANS} (say {@code one-query,merged}) times the job once with each scan.
 *
 * <p>Usage: {@code ReconcileBenchmark <jdbc-url> <from> <to> <partitions> [user-messages-of-days.sql]}.
 * The ceiling is the job's own day-ledger query over the whole user range; a file replaces
 * its count of user messages per day (the view {@code user_messages}) with one written by hand
 * on the product's tables, as {@link Reconciler#countDriftsInOneQuery(ReconcileRequest, String)} takes it.
 */
public final class ReconcileBenchmark {

    private ReconcileBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        DatabaseConfig config = DatabaseConfig.parse(args[0]);
        QuotaDay from = QuotaDay.parse(args[1]);
        QuotaDay to = QuotaDay.parse(args[2]);
        int partitions = Integer.parseInt(args[3]);
        ReconcileRequest request = new ReconcileRequest(from, to, ReconcileMode.REPORT, ReconcileRequest.DEFAULT_CHUNK_SIZE,
                partitions, true, true).withoutPruning();
        // the ceiling query runs as long as it takes; the job lifts the timeout for its own transactions
        try (Database database = Database.open(config.withTimeouts(config.connectTimeout(), config.lockTimeout(), java.time.Duration.ZERO));
             Reconciler reconciler = new Reconciler(database, ServerClock.of(database))) {
            // warm both paths once (plans, caches), then measure each once more
            String userMessagesOfDays = args.length > 4 ? Files.readString(Path.of(args[4])) : null;
            ToLongFunction<ReconcileRequest> ceiling = userMessagesOfDays == null ? reconciler::countDriftsInOneQuery
                    : ledgers -> reconciler.countDriftsInOneQuery(ledgers, userMessagesOfDays);
            ceiling.applyAsLong(request);
            long queryStarted = System.nanoTime();
            long queryDrifts = ceiling.applyAsLong(request);
            double querySeconds = (System.nanoTime() - queryStarted) / 1e9;

            // the job with each scan asked for (QUOTA_RECONCILE_SCANS, comma-separated; default: the one it picks),
            // the heap's peak taken anew for each
            for (String code : System.getenv().getOrDefault("QUOTA_RECONCILE_SCANS", LedgerScan.AUTO.code()).split(",")) {
                LedgerScan scan = LedgerScan.fromCode(code.strip());
                ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
                ReconcileResult job;
                try (ProgressLine progress = ProgressLine.onSystemTerminal()) {
                    job = reconciler.run(request.scanning(scan), progress);
                }
                if (!job.completed()) {
                    throw new IllegalStateException("the job failed: " + job.failure());
                }
                double jobSeconds = job.duration().toNanos() / 1e9;
                long heapMax = Runtime.getRuntime().maxMemory() / (1024 * 1024);
                long heapPeak = ManagementFactory.getMemoryPoolMXBeans().stream()
                        .filter(pool -> pool.getType() == java.lang.management.MemoryType.HEAP)
                        .mapToLong(pool -> pool.getPeakUsage().getUsed()).sum() / (1024 * 1024);
                System.out.printf(Locale.ROOT, "scan                %s%n", scan.code());
                System.out.printf(Locale.ROOT, "rows scanned        %,d%n", job.rowsScanned());
                System.out.printf(Locale.ROOT, "drifts (job)        %,d %s%n", job.drifts(), job.driftsByKind());
                System.out.printf(Locale.ROOT, "drifts (one query)  %,d%n", queryDrifts);
                System.out.printf(Locale.ROOT, "job                 %.2f s (%,.0f rows/s, %d partitions)%n", jobSeconds, job.rowsPerSecond(),
                        partitions);
                System.out.printf(Locale.ROOT, "one query (ceiling) %.2f s%n", querySeconds);
                System.out.printf(Locale.ROOT, "ratio job/query     %.2fx (target <= 1.50x)%n", jobSeconds / querySeconds);
                System.out.printf(Locale.ROOT, "heap                max %d MiB, peak used %d MiB%n", heapMax, heapPeak);
                if (queryDrifts != job.drifts()) {
                    throw new IllegalStateException("the job and the query disagree: " + job.drifts() + " vs " + queryDrifts);
                }
            }
        }
    }
}
