package dev.quota.cli.simulate;

import dev.quota.core.service.ChatService;
import dev.quota.core.ErrorCode;
import dev.quota.core.QuotaDay;
import dev.quota.core.QuotaException;
import dev.quota.core.check.InvariantReport;
import dev.quota.core.check.QuotaInvariants;
import dev.quota.core.db.Database;
import dev.quota.core.db.DatabaseConfig;
import dev.quota.core.db.ServerClock;
import dev.quota.core.strategy.ChatPath;
import dev.quota.core.strategy.Strategies;
import dev.quota.core.workload.Workload;
import dev.quota.reconciler.ReconcileMode;
import dev.quota.reconciler.ReconcileRequest;
import dev.quota.reconciler.ReconcileResult;
import dev.quota.reconciler.Reconciler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.jdbi.v3.core.Handle;

/**
 * What the nightly job costs the live chat: the chat path under steady load (threads over
 * the subscribed users, Zipf-distributed as real traffic is) measured before, during and
 * after {@code reconcile --repair} over a range that includes today, which the load keeps
 * consuming. Then every counter must equal its log: a repair that overwrote a consumption
 * committed during the job would leave its counter below its messages. And every repaired
 * counter must have exactly one audit row of this run. Used by scripts/bench-reconcile-live.
 *
 * <p>Before the job, one more window holds a transaction with an old snapshot open and idle
 * for as long, to tell apart what long transactions cost the chat (dead row versions kept
 * alive) from what the job's CPU costs it.
 *
 * <p>Usage: {@code ReconcileBesideTraffic <jdbc-url> <from> <threads> <seconds-per-window> <strategy> <partitions> [max-rows-per-second]}
 */
public final class ReconcileBesideTraffic {

    /** The load's throughput and latency over one window. */
    record Window(String name, long calls, long refused, Duration length, Histogram latency) {

        double perSecond() {
            return calls / (length.toNanos() / 1e9);
        }

        double millis(double percentile) {
            return latency.getValueAtPercentile(percentile) / 1000.0;
        }

        String line() {
            return String.format(Locale.ROOT, "%-8s %6.1f s  %,9.0f calls/s  p50 %6.2f ms  p99 %7.2f ms  max %7.2f ms  (%,d calls, %,d refused by the limit)",
                    name, length.toNanos() / 1e9, perSecond(), millis(50), millis(99), latency.getMaxValue() / 1000.0, calls, refused);
        }
    }

    /** Chat traffic from its own threads until stopped, read window by window. */
    static final class Traffic implements AutoCloseable {
        private final Recorder latency = new Recorder(3);
        private final LongAdder calls = new LongAdder();
        private final LongAdder refused = new LongAdder();
        private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
        private final List<Thread> threads = new ArrayList<>();
        private volatile boolean running = true;
        private long windowStarted = System.nanoTime();

        Traffic(ChatService service, long[] userIds, int threadCount, long seed) {
            Workload.Sampler sampler = Workload.zipf.sampler(userIds.length);
            SplittableRandom seeds = new SplittableRandom(seed);
            for (int t = 0; t < threadCount; t++) {
                SplittableRandom random = seeds.split();
                Thread thread = new Thread(() -> {
                    while (running) {
                        long begin = System.nanoTime();
                        try {
                            service.acceptMessage(Long.toString(userIds[sampler.next(random)]), null);
                        } catch (QuotaException e) {
                            if (e.code() == ErrorCode.QUOTA_EXCEEDED) {
                                refused.increment();
                            } else {
                                errors.computeIfAbsent(e.code().code(), c -> new LongAdder()).increment();
                            }
                        }
                        latency.recordValue(Math.max(1, (System.nanoTime() - begin) / 1_000));
                        calls.increment();
                    }
                }, "chat-traffic-" + t);
                thread.setDaemon(true);
                threads.add(thread);
                thread.start();
            }
        }

        /** The calls since the previous window, which this one closes. */
        synchronized Window window(String name) {
            long now = System.nanoTime();
            Window window = new Window(name, calls.sumThenReset(), refused.sumThenReset(), Duration.ofNanos(now - windowStarted),
                    latency.getIntervalHistogram());
            windowStarted = now;
            return window;
        }

        Map<String, LongAdder> errors() {
            return errors;
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            for (Thread thread : threads) {
                thread.join();
            }
        }
    }

    private ReconcileBesideTraffic() {
    }

    public static void main(String[] args) throws Exception {
        DatabaseConfig config = DatabaseConfig.parse(args[0]);
        QuotaDay from = QuotaDay.parse(args[1]);
        int threads = Integer.parseInt(args[2]);
        Duration steady = Duration.ofSeconds(Long.parseLong(args[3]));
        String strategy = args[4];
        int partitions = Integer.parseInt(args[5]);
        int maxRowsPerSecond = args.length > 6 ? Integer.parseInt(args[6]) : 0;
        try (Database chat = Database.open(config.withPoolSize(DatabaseConfig.poolSizeForConcurrency(threads)));
             Database job = Database.open(config);
             Reconciler reconciler = new Reconciler(job, ServerClock.of(job));
             ChatPath path = Strategies.open(strategy, chat.jdbi())) {
            long[] userIds = chat.jdbi().withHandle(handle -> handle.createQuery(
                    "SELECT user_id FROM plan_periods WHERE ended_at IS NULL ORDER BY user_id").mapTo(Long.class).list())
                    .stream().mapToLong(Long::longValue).toArray();
            java.time.Clock clock = ServerClock.of(job);
            QuotaDay today = QuotaDay.today(clock);
            ChatService service = new ChatService(chat.jdbi(), path, clock);
            Window before;
            Window oldSnapshot;
            Window during;
            Window after;
            ReconcileResult result;
            Instant jobStarted;
            try (Traffic traffic = new Traffic(service, userIds, threads, 20261125L)) {
                Thread.sleep(Duration.ofSeconds(5).toMillis()); // warm-up: plans, pool, JIT
                traffic.window("warm-up");
                Thread.sleep(steady.toMillis());
                before = traffic.window("before");
                try (Handle idle = job.jdbi().open()) {
                    idle.begin();
                    idle.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
                    idle.createQuery("SELECT count(*) FROM user_daily_quota_usages WHERE user_id = 1").mapTo(Long.class).one();
                    Thread.sleep(steady.toMillis());
                    oldSnapshot = traffic.window("idle tx");
                    idle.rollback();
                }
                jobStarted = Instant.now();
                result = reconciler.run(new ReconcileRequest(from, today, ReconcileMode.REPAIR, ReconcileRequest.DEFAULT_CHUNK_SIZE,
                        partitions, true, true, maxRowsPerSecond, false)); // the scan's cost alone; pruning is measured by bench-lifetime
                during = traffic.window("during");
                Thread.sleep(steady.toMillis());
                after = traffic.window("after");
                if (!traffic.errors().isEmpty()) {
                    System.out.println("chat errors other than quota_exceeded: " + traffic.errors());
                }
            }
            InvariantReport invariants = QuotaInvariants.check(chat.jdbi());
            // this run's audit rows, and the counters that got more than one
            long[] audit = job.jdbi().withHandle(handle -> handle.createQuery("""
                    SELECT COALESCE(sum(n), 0), count(*) FILTER (WHERE n > 1)
                      FROM (SELECT count(*) AS n FROM quota_adjustments
                             WHERE kind = 'reconcile' AND created_at >= :started
                             GROUP BY user_id, quota_date) AS repaired""")
                    .bind("started", jobStarted.atOffset(java.time.ZoneOffset.UTC))
                    .map((row, ctx) -> new long[] {row.getLong(1), row.getLong(2)}).one());
            long auditRows = audit[0];
            long repairedTwice = audit[1];

            System.out.printf(Locale.ROOT, "chat path           %s strategy, %d threads, Zipf over %,d subscribed users, pool %d%n",
                    strategy, threads, userIds.length, DatabaseConfig.poolSizeForConcurrency(threads));
            System.out.println(before.line());
            System.out.println(oldSnapshot.line());
            System.out.println(during.line());
            System.out.println(after.line());
            System.out.printf(Locale.ROOT, "job                 %s %s..%s, %d partitions, %s, in %.1f s: %,d rows scanned, %,d findings, %,d repaired, %,d left%n",
                    result.status(), from, today, partitions, maxRowsPerSecond == 0 ? "unpaced" : "paced at " + maxRowsPerSecond + " rows/s", result.duration().toMillis() / 1000.0, result.rowsScanned(), result.drifts(),
                    result.repaired(), result.remaining());
            double keep = during.perSecond() / before.perSecond();
            double p99 = during.millis(99) / before.millis(99);
            System.out.printf(Locale.ROOT, "throughput kept     %.2fx of before (target >= 0.80x): %s%n", keep, keep >= 0.8 ? "met" : "MISSED");
            System.out.printf(Locale.ROOT, "p99 during          %.2fx of before (target <= 2.00x): %s%n", p99, p99 <= 2.0 ? "met" : "MISSED");
            System.out.printf(Locale.ROOT, "counters vs log     %,d counters, %,d off their log, %,d above their limit%n",
                    invariants.counters(), invariants.offLog(), invariants.aboveLimit());
            System.out.printf(Locale.ROOT, "audit rows          %,d for %,d repairs, %,d counters repaired twice%n", auditRows,
                    result.repaired(), repairedTwice);
            boolean correct = result.completed() && invariants.offLog() == 0 && auditRows == result.repaired() && repairedTwice == 0;
            System.out.println("correctness         " + (correct ? "every counter equals its log, one audit row per repair"
                    : "BROKEN: " + invariants.samples()));
            if (!correct) {
                System.exit(1);
            }
        }
    }
}
