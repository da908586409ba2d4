package dev.quota.cli.simulate;

import dev.quota.cli.simulate.ReconcileBesideTraffic.Traffic;
import dev.quota.cli.simulate.ReconcileBesideTraffic.Window;
import dev.quota.core.service.ChatService;
import dev.quota.core.QuotaDay;
import dev.quota.core.db.Database;
import dev.quota.core.db.DatabaseConfig;
import dev.quota.core.db.ServerClock;
import dev.quota.core.db.ServerCpu;
import dev.quota.core.strategy.ChatPath;
import dev.quota.core.strategy.Strategies;
import dev.quota.reconciler.ReconcileMode;
import dev.quota.reconciler.ReconcileRequest;
import dev.quota.reconciler.ReconcileResult;
import dev.quota.reconciler.Reconciler;
import dev.quota.reconciler.ScanSource;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * What scanning a hot standby saves the primary: the nightly job (report mode, unpaced,
 * yesterday) run with its scan on the primary and with its scan on the standby. First alone,
 * measuring the CPU the primary's server processes spend on it, read from {@code /proc}
 * (the postmaster's own time plus its reaped children's, plus each live backend's); then
 * beside chat traffic on the primary, measuring the chat's throughput and p99. The findings
 * of every run must be identical. Used by scripts/bench-reconcile-standby.
 *
 * <p>Usage: {@code ReconcileOnStandby <primary-url> <standby-url> <primary-postmaster-pid> <threads> <seconds-per-window> <partitions>}
 */
public final class ReconcileOnStandby {

    private ReconcileOnStandby() {
    }

    record Measured(ReconcileResult result, double primaryCpuSeconds, List<String> findings) {
    }

    private static Measured measure(Reconciler reconciler, ReconcileRequest request, long postmaster) throws IOException {
        double before = ServerCpu.seconds(postmaster);
        ReconcileResult result = reconciler.run(request);
        double cpu = ServerCpu.seconds(postmaster) - before;
        List<String> findings = reconciler.findings(result.runId(), 0).stream()
                .map(f -> f.userId() + " " + f.quotaDate() + " " + f.usedCount() + " " + f.expected() + " " + f.kinds())
                .sorted().toList();
        return new Measured(result, cpu, findings);
    }

    public static void main(String[] args) throws Exception {
        DatabaseConfig primaryConfig = DatabaseConfig.parse(args[0]);
        DatabaseConfig standbyConfig = DatabaseConfig.parse(args[1]);
        long postmaster = Long.parseLong(args[2]);
        int threads = Integer.parseInt(args[3]);
        Duration steady = Duration.ofSeconds(Long.parseLong(args[4]));
        int partitions = Integer.parseInt(args[5]);
        try (Database primary = Database.open(primaryConfig);
             Database standby = Database.open(standbyConfig);
             Database chat = Database.open(primaryConfig.withPoolSize(DatabaseConfig.poolSizeForConcurrency(threads)));
             Reconciler onPrimary = new Reconciler(primary, ServerClock.of(primary));
             Reconciler onStandby = new Reconciler(primary, ScanSource.standby(standby, Duration.ofMinutes(5), false),
                     ServerClock.of(primary));
             ChatPath path = Strategies.open(Strategies.DEFAULT, chat.jdbi())) {
            Clock clock = ServerClock.of(primary);
            QuotaDay yesterday = QuotaDay.today(clock).previous();
            ReconcileRequest request = new ReconcileRequest(yesterday, yesterday, ReconcileMode.REPORT, ReconcileRequest.DEFAULT_CHUNK_SIZE,
                    partitions, false, true, 0, false);

            // alone: what the job costs the primary's processes
            measure(onPrimary, request, postmaster); // warm-up: JIT, pools, both servers' caches
            measure(onStandby, request, postmaster);
            Measured alonePrimary = measure(onPrimary, request, postmaster);
            Measured aloneStandby = measure(onStandby, request, postmaster);

            // beside the chat, on the primary, consuming today
            long[] userIds = chat.jdbi().withHandle(handle -> handle.createQuery(
                    "SELECT user_id FROM plan_periods WHERE ended_at IS NULL ORDER BY user_id").mapTo(Long.class).list())
                    .stream().mapToLong(Long::longValue).toArray();
            ChatService service = new ChatService(chat.jdbi(), path, clock);
            Window before;
            Window duringPrimary;
            Window duringStandby;
            Measured besidePrimary;
            Measured besideStandby;
            try (Traffic traffic = new Traffic(service, userIds, threads, 20261130L)) {
                Thread.sleep(Duration.ofSeconds(5).toMillis());
                traffic.window("warm-up");
                Thread.sleep(steady.toMillis());
                before = traffic.window("no job");
                besidePrimary = measure(onPrimary, request, postmaster);
                duringPrimary = traffic.window("scan on primary");
                Thread.sleep(steady.toMillis());
                traffic.window("between");
                besideStandby = measure(onStandby, request, postmaster);
                duringStandby = traffic.window("scan on standby");
            }

            System.out.printf(Locale.ROOT, "job alone           report, %s, unpaced, %d partitions, %,d rows%n", yesterday, partitions,
                    alonePrimary.result().rowsScanned());
            for (Measured m : List.of(alonePrimary, aloneStandby)) {
                System.out.printf(Locale.ROOT, "  scan on %-8s  %6.1f s  primary CPU %6.2f s  %,d findings%n", m.result().scannedOn(),
                        m.result().duration().toMillis() / 1000.0, m.primaryCpuSeconds(), m.findings().size());
            }
            double share = aloneStandby.primaryCpuSeconds() / alonePrimary.primaryCpuSeconds();
            System.out.printf(Locale.ROOT, "primary CPU         %.1f%% of a primary-only run (target <= 15%%): %s%n", 100 * share,
                    share <= 0.15 ? "met" : "MISSED");
            System.out.printf(Locale.ROOT, "chat beside         %s strategy, %d threads, Zipf over %,d users, on the primary%n",
                    Strategies.DEFAULT, threads, userIds.length);
            for (Window window : List.of(before, duringPrimary, duringStandby)) {
                System.out.println("  " + window.line());
            }
            System.out.printf(Locale.ROOT, "  job beside chat   scan on primary %.1f s, on standby %.1f s%n",
                    besidePrimary.result().duration().toMillis() / 1000.0, besideStandby.result().duration().toMillis() / 1000.0);
            System.out.printf(Locale.ROOT, "throughput kept     %.2fx (scan on primary), %.2fx (scan on standby)%n",
                    duringPrimary.perSecond() / before.perSecond(), duringStandby.perSecond() / before.perSecond());
            System.out.printf(Locale.ROOT, "p99 during          %.2fx (scan on primary), %.2fx (scan on standby)%n",
                    duringPrimary.millis(99) / before.millis(99), duringStandby.millis(99) / before.millis(99));
            boolean identical = Stream.of(aloneStandby, besidePrimary, besideStandby).allMatch(m -> m.findings().equals(alonePrimary.findings()))
                    && Stream.of(alonePrimary, aloneStandby, besidePrimary, besideStandby).allMatch(m -> m.result().completed());
            System.out.println("findings            " + (identical ? "identical in all four runs" : "DIFFER between runs"));
            if (!identical) {
                System.exit(1);
            }
        }
    }
}
