package dev.quota.bench;

import dev.quota.core.service.ChatService;
import dev.quota.core.QuotaDay;
import dev.quota.core.UserKey;
import dev.quota.core.db.Database;
import dev.quota.core.db.EmbeddedDatabase;
import dev.quota.core.db.ServerCpu;
import dev.quota.core.db.StandIn;
import dev.quota.core.strategy.ChatPath;
import dev.quota.core.strategy.CounterKey;
import dev.quota.core.strategy.CounterStep;
import dev.quota.core.strategy.RetryPolicy;
import dev.quota.core.strategy.Strategies;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where the CPU goes: runs one strategy on a hot user (or on {@code users} users drawn
 * uniformly) for one or more windows of 10 s and reports, for each, this JVM's CPU
 * per message next to the PostgreSQL server's ({@link ServerCpu}, from /proc, so
 * Linux only). On a small machine client and server share the cores, which is what caps
 * throughput; docs/bench.md uses it to explain the benchmark's ratios.
 *
 * <p>Usage: {@code CpuSplit <threads> <pool> <strategy> [chat|counter] [users] [windows of 10 s]}
 */
public final class CpuSplit {

    private CpuSplit() {
    }

    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[0]);
        int pool = Integer.parseInt(args[1]);
        CounterStep strategy = Strategies.counterStep(args[2], RetryPolicy.DEFAULT);
        boolean counterOnly = args.length > 3 && args[3].equals("counter");
        int users = args.length > 4 ? Integer.parseInt(args[4]) : 1;
        int windows = args.length > 5 ? Integer.parseInt(args[5]) : 1;
        try (EmbeddedDatabase server = EmbeddedDatabase.startEphemeral(Map.of("synchronous_commit", "on"));
             Database db = Database.open(server.config().withPoolSize(Math.max(2, pool)));
             ChatPath path = Strategies.open(args[2], db.jdbi())) {
            StandIn.install(db);
            db.jdbi().useHandle(handle -> {
                handle.execute("INSERT INTO billing_plans (code, display_name, daily_message_limit) VALUES ('bench', 'Bench', 1000000000)");
                handle.createUpdate("INSERT INTO users (email) SELECT 'u' || g || '@bench.invalid' FROM generate_series(1, :users) g")
                        .bind("users", users).execute();
                handle.execute("INSERT INTO user_subscriptions (user_id, plan_id, status) SELECT id, 1, 'active' FROM users");
                handle.execute("ANALYZE");
            });
            ChatService service = new ChatService(db.jdbi(), path, Clock.systemUTC());
            Runnable call = counterOnly
                    ? () -> strategy.inTransaction(db.jdbi(), handle -> strategy.consume(handle,
                            new CounterKey(UserKey.of(1 + ThreadLocalRandom.current().nextInt(users)), QuotaDay.today(Clock.systemUTC())), 1, 1_000_000_000))
                    : () -> service.acceptMessage(Long.toString(1 + ThreadLocalRandom.current().nextInt(users)), null);
            for (int i = 0; i < 2_000; i++) {
                call.run();
            }
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long postmaster = ServerCpu.postmasterOf(db.jdbi());
            AtomicLong calls = new AtomicLong();
            AtomicBoolean running = new AtomicBoolean(true);
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Thread worker = new Thread(() -> {
                    while (running.get()) {
                        call.run();
                        calls.incrementAndGet();
                    }
                });
                worker.start();
                workers.add(worker);
            }
            // consecutive windows show when the JIT has settled: the first ones pay for its compiling
            for (int window = 1; window <= windows; window++) {
                long clientCpu = os.getProcessCpuTime();
                double serverSeconds = ServerCpu.seconds(postmaster);
                long callsBefore = calls.get();
                long started = System.nanoTime();
                Thread.sleep(10_000);
                double wall = System.nanoTime() - started;
                double client = os.getProcessCpuTime() - clientCpu;
                double serverCpu = (ServerCpu.seconds(postmaster) - serverSeconds) * 1e9;
                double n = calls.get() - callsBefore;
                System.out.printf(Locale.ROOT,
                        "%s %s, %d user(s), %d threads, pool %d, window %d of 10 s: %.0f ops/s; CPU per call: client JVM %.0f us, PostgreSQL %.0f us; %.0f%% of %d cores busy%n",
                        path.name(), counterOnly ? "counter" : "chat", users, threads, pool, window, n / (wall / 1e9), client / 1e3 / n,
                        serverCpu / 1e3 / n, 100 * (client + serverCpu) / wall / Runtime.getRuntime().availableProcessors(),
                        Runtime.getRuntime().availableProcessors());
            }
            running.set(false);
            for (Thread worker : workers) {
                worker.join();
            }
        }
    }
}
