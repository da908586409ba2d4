package dev.quota.cli.simulate;

import dev.quota.cli.simulate.ReconcileBesideTraffic.Traffic;
import dev.quota.cli.simulate.ReconcileBesideTraffic.Window;
import dev.quota.core.service.ChatService;
import dev.quota.core.QuotaDay;
import dev.quota.core.db.Database;
import dev.quota.core.db.DatabaseConfig;
import dev.quota.core.db.ServerClock;
import dev.quota.core.retention.Pruner;
import dev.quota.core.strategy.ChatPath;
import dev.quota.core.strategy.Strategies;
import dev.quota.reconciler.ReconcileMode;
import dev.quota.reconciler.ReconcileRequest;
import dev.quota.reconciler.ReconcileResult;
import dev.quota.reconciler.Reconciler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The toolkit's storage over a product database's lifetime, compressed: DAYS simulated days
 * of chat traffic through {@code quota.consume} (each call with {@code p_at} inside its day,
 * the message stored with the same timestamp; one call in ten held with {@code quota.reserve}
 * and settled with its message instead, and one hold in ten of those left open by a caller
 * that died), each followed by the nightly job (reconcile
 * that day, then prune as of the next morning), printing the toolkit's bytes after each
 * night. Then the prune step's cost beside live chat traffic: the chat path through
 * {@code quota.consume} from THREADS threads, measured before, during a prune of an expired
 * backlog, and after. Used by scripts/bench-lifetime.
 *
 * <p>Usage: {@code LifetimeRun <jdbc-url> <days> <requests-per-day> <users> <threads> <seconds-per-window> <backlog> <pace>...}
 */
public final class LifetimeRun {

    private static final int BATCH = 100;

    private LifetimeRun() {
    }

    public static void main(String[] args) throws Exception {
        DatabaseConfig config = DatabaseConfig.parse(args[0]);
        int days = Integer.parseInt(args[1]);
        int perDay = Integer.parseInt(args[2]);
        int users = Integer.parseInt(args[3]);
        int threads = Integer.parseInt(args[4]);
        Duration window = Duration.ofSeconds(Long.parseLong(args[5]));
        int backlog = Integer.parseInt(args[6]);
        List<Integer> paces = new ArrayList<>();
        for (int i = 7; i < args.length; i++) {
            paces.add(Integer.parseInt(args[i]));
        }
        try (Database database = Database.open(config.withPoolSize(DatabaseConfig.poolSizeForConcurrency(threads))
                .withTimeouts(config.connectTimeout(), config.lockTimeout(), Duration.ZERO))) {
            long[] userIds = subscribe(database.jdbi(), users);
            QuotaDay today = QuotaDay.today(ServerClock.of(database));
            lifetime(database, today.date().minusDays(days + 1L), days, perDay, userIds);
            for (int pace : paces) {
                pruneBesideTraffic(database, today, userIds, threads, window, backlog, pace);
            }
        }
    }

    /** Users subscribed since long before the simulated days, on a plan no day reaches. */
    private static long[] subscribe(Jdbi jdbi, int users) {
        return jdbi.inTransaction(handle -> {
            long plan = handle.createQuery("""
                    INSERT INTO billing_plans (code, display_name, daily_message_limit) VALUES ('lifetime', 'Lifetime bench', 1000000)
                    ON CONFLICT (code) DO UPDATE SET daily_message_limit = EXCLUDED.daily_message_limit RETURNING id
                    """).mapTo(Long.class).one();
            List<Long> ids = handle.createQuery("""
                            INSERT INTO users (email) SELECT 'lifetime' || i || '@bench.quota.dev' FROM generate_series(1, :n) i
                            RETURNING id
                            """).bind("n", users).mapTo(Long.class).list();
            handle.createUpdate("""
                            INSERT INTO user_subscriptions (user_id, plan_id, status, started_at)
                            SELECT u, :plan, 'active', TIMESTAMPTZ '2020-01-01 00:00:00Z' FROM unnest(CAST(:ids AS bigint[])) u
                            """).bind("plan", plan).bind("ids", ids.toArray(Long[]::new)).execute();
            return ids.stream().mapToLong(Long::longValue).toArray();
        });
    }

    private static void lifetime(Database database, java.time.LocalDate first, int days, int perDay, long[] userIds)
            throws Exception {
        System.out.printf(Locale.ROOT, "lifetime: %d simulated days from %s, %,d quota.consume calls a day over %,d users%n",
                days, first, perDay, userIds.length);
        System.out.println("| day | calls | request ids kept | consumed_requests | holds kept | quota_holds | toolkit schema | pruned"
                + " | day's traffic | night |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (int d = 0; d < days; d++) {
            QuotaDay day = QuotaDay.of(first.plusDays(d));
            long started = System.nanoTime();
            long calls = dayOfTraffic(database.jdbi(), day, perDay, userIds, d);
            double trafficSeconds = (System.nanoTime() - started) / 1e9;
            Clock nextMorning = Clock.fixed(day.resetAt().plus(Duration.ofHours(3)), ZoneOffset.UTC);
            ReconcileResult night;
            try (Reconciler reconciler = new Reconciler(database, nextMorning)) {
                night = reconciler.run(new ReconcileRequest(day, day, ReconcileMode.REPORT, ReconcileRequest.DEFAULT_CHUNK_SIZE,
                        ReconcileRequest.DEFAULT_PARTITIONS, false, false));
            }
            if (!night.completed() || night.drifts() != 0) {
                throw new IllegalStateException("the night of " + day + " did not reconcile clean: " + night.status() + ", "
                        + night.drifts() + " drifts, " + night.failure());
            }
            long[] sizes = sizes(database.jdbi());
            System.out.printf(Locale.ROOT, "| %d | %,d | %,d | %s | %,d | %s | %s | %,d | %.1f s | %.1f s |%n", d + 1, calls, sizes[0],
                    mib(sizes[1]), sizes[3], mib(sizes[4]), mib(sizes[2]), night.pruned(), trafficSeconds,
                    night.duration().toMillis() / 1000.0);
        }
    }

    /** One day's calls, each in its own sub-second of the day, in transactions of {@value #BATCH} from two threads. */
    private static long dayOfTraffic(Jdbi jdbi, QuotaDay day, int perDay, long[] userIds, int seed) throws Exception {
        int workers = 2;
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            List<Future<Long>> done = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                int worker = w;
                done.add(pool.submit(() -> {
                    SplittableRandom random = new SplittableRandom(seed * 31L + worker);
                    long accepted = 0;
                    for (int start = worker * BATCH; start < perDay; start += workers * BATCH) {
                        int size = Math.min(BATCH, perDay - start);
                        Long[] users = new Long[size];
                        String[] requests = new String[size];
                        OffsetDateTime[] at = new OffsetDateTime[size];
                        for (int i = 0; i < size; i++) {
                            users[i] = userIds[random.nextInt(userIds.length)];
                        }
                        // counters locked in one order by every batch, so two batches never deadlock
                        java.util.Arrays.sort(users);
                        for (int i = 0; i < size; i++) {
                            requests[i] = UUID.randomUUID().toString();
                            long microsIntoDay = (long) ((start + i) * (86_400_000_000.0 / perDay));
                            at[i] = day.startsAt().plusNanos(microsIntoDay * 1000).atOffset(ZoneOffset.UTC);
                        }
                        accepted += jdbi.inTransaction(handle -> consumeAndStore(handle, users, requests, at));
                        accepted += jdbi.inTransaction(handle -> holdAndSettle(handle, users, requests, at));
                    }
                    return accepted;
                }));
            }
            long total = 0;
            for (Future<Long> worker : done) {
                total += worker.get();
            }
            return total;
        } finally {
            pool.shutdown();
        }
    }

    /** The backend's flow, a batch at a time: quota.consume with p_at, then the message stamped with that same time. */
    private static int consumeAndStore(Handle handle, Long[] users, String[] requests, OffsetDateTime[] at) {
        return handle.createUpdate("""
                        WITH calls AS (
                            SELECT t.u, t.r, t.at, c.accepted, c.replayed
                              FROM unnest(CAST(:users AS bigint[]), CAST(:requests AS text[]), CAST(:at AS timestamptz[]))
                                   WITH ORDINALITY AS t(u, r, at, i)
                             CROSS JOIN LATERAL quota.consume(t.u, 1, t.r, t.at) c
                             WHERE t.i % 10 <> 0)
                        INSERT INTO chat_messages (user_id, role, created_at, request_id)
                        SELECT u, 'user', at, r FROM calls WHERE accepted AND NOT replayed
                        """)
                .bind("users", users).bind("requests", requests).bind("at", at).execute();
    }

    /**
     * The batch's other calls (one in ten) through a hold, as an LLM backend makes them:
     * quota.reserve with p_at, then the message stamped with that time and quota.settle; one
     * hold in ten is left open, its caller dead, for the nightly prune to delete with its day.
     */
    private static int holdAndSettle(Handle handle, Long[] users, String[] requests, OffsetDateTime[] at) {
        handle.createQuery("""
                        SELECT count(*) FILTER (WHERE h.accepted)
                          FROM unnest(CAST(:users AS bigint[]), CAST(:requests AS text[]), CAST(:at AS timestamptz[]))
                               WITH ORDINALITY AS t(u, r, at, i)
                         CROSS JOIN LATERAL quota.reserve(t.u, 1, t.r, interval '1 minute', t.at) h
                         WHERE t.i % 10 = 0""")
                .bind("users", users).bind("requests", requests).bind("at", at).mapTo(Long.class).one();
        return handle.createUpdate("""
                        WITH settled AS (
                            SELECT t.u, t.r, t.at, s.charged
                              FROM unnest(CAST(:users AS bigint[]), CAST(:requests AS text[]), CAST(:at AS timestamptz[]))
                                   WITH ORDINALITY AS t(u, r, at, i)
                             CROSS JOIN LATERAL quota.settle(t.u, t.r, 1) s
                             WHERE t.i % 10 = 0 AND t.i % 100 <> 0)
                        INSERT INTO chat_messages (user_id, role, created_at, request_id)
                        SELECT u, 'user', at, r FROM settled WHERE charged = 1
                        """)
                .bind("users", users).bind("requests", requests).bind("at", at).execute();
    }

    /** Rows in consumed_requests, its bytes with indexes, the bytes of every table in the toolkit's schema, and the holds' rows and bytes. */
    private static long[] sizes(Jdbi jdbi) {
        return jdbi.withHandle(handle -> handle.createQuery("""
                        SELECT (SELECT count(*) FROM consumed_requests),
                               pg_total_relation_size('consumed_requests'),
                               (SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c
                                 WHERE c.relnamespace = CAST(current_schema() AS regnamespace) AND c.relkind IN ('r', 'p')),
                               (SELECT count(*) FROM quota_holds),
                               pg_total_relation_size('quota_holds')
                        """)
                .map((rs, ctx) -> new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)}).one());
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    /**
     * The prune step beside the chat: a backlog of expired request ids (an old day's worth),
     * then chat traffic through quota.consume measured before, during the prune (at
     * {@code pace} rows a second, 0 unpaced) and after.
     */
    private static void pruneBesideTraffic(Database database, QuotaDay today, long[] userIds, int threads, Duration steady,
                                           int backlog, int pace) throws Exception {
        QuotaDay expiredDay = QuotaDay.of(today.date().minusDays(60));
        database.jdbi().useHandle(handle -> handle.createUpdate("""
                        INSERT INTO consumed_requests (request_id, user_id, quota_date, units, created_at)
                        SELECT 'backlog-' || :day || '-' || i, :user, CAST(:day AS date), 1, CAST(:day AS timestamptz)
                          FROM generate_series(1, :n) i
                        """)
                .bind("day", expiredDay.toString()).bind("user", userIds[0]).bind("n", backlog).execute());
        database.jdbi().useHandle(handle -> handle.execute("VACUUM (ANALYZE) consumed_requests"));
        Clock clock = ServerClock.of(database);
        try (ChatPath path = Strategies.open("sql-function", database.jdbi());
             Traffic traffic = new Traffic(new ChatService(database.jdbi(), path, clock), userIds, threads, 20261130L)) {
            Thread.sleep(Duration.ofSeconds(5).toMillis()); // warm-up: plans, pool, JIT
            traffic.window("warm-up");
            Thread.sleep(steady.toMillis());
            Window before = traffic.window("before");
            Instant started = Instant.now();
            Pruner.PruneReport report = new Pruner(database.jdbi()).prune(today, pace);
            Duration took = Duration.between(started, Instant.now());
            Window during = traffic.window("during");
            Thread.sleep(steady.toMillis());
            Window after = traffic.window("after");
            System.out.println();
            System.out.printf(Locale.ROOT, "prune beside traffic: quota.consume (sql-function) from %d threads, Zipf over %,d users; "
                    + "prune %s%n", threads, userIds.length, pace == 0 ? "unpaced" : "paced at " + pace + " rows/s");
            System.out.println(before.line());
            System.out.println(during.line());
            System.out.println(after.line());
            System.out.printf(Locale.ROOT, "prune               %,d rows in %.1f s (%,.0f rows/s), then vacuumed %s%n", report.total(),
                    took.toMillis() / 1000.0, report.total() / Math.max(0.001, took.toMillis() / 1000.0), report.vacuumed());
            double keep = during.perSecond() / before.perSecond();
            double p99 = during.millis(99) / before.millis(99);
            System.out.printf(Locale.ROOT, "throughput kept     %.2fx of before (target >= 0.90x): %s%n", keep, keep >= 0.9 ? "met" : "MISSED");
            System.out.printf(Locale.ROOT, "p99 during          %.2fx of before (target <= 1.50x): %s%n", p99, p99 <= 1.5 ? "met" : "MISSED");
            if (!traffic.errors().isEmpty()) {
                System.out.println("chat errors other than quota_exceeded: " + traffic.errors());
            }
        }
    }
}
