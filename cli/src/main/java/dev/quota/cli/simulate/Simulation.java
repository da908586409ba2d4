package dev.quota.cli.simulate;

import dev.quota.core.service.AdjustmentService;
import dev.quota.core.service.ChatService;
import dev.quota.core.ErrorCode;
import dev.quota.core.QuotaException;
import dev.quota.core.UserKey;
import dev.quota.core.UserKeyType;
import dev.quota.core.check.BackendTerminator;
import dev.quota.core.check.InvariantReport;
import dev.quota.core.check.InvariantViolation;
import dev.quota.core.check.QuotaInvariants;
import dev.quota.core.db.CitusDistribution;
import dev.quota.core.db.Database;
import dev.quota.core.db.DatabaseConfig;
import dev.quota.core.db.MessagesDistribution;
import dev.quota.core.db.Schemas;
import dev.quota.core.db.StandIn;
import dev.quota.core.persistence.AccountDao;
import dev.quota.core.retention.ScratchSchemas;
import dev.quota.core.strategy.ChatPath;
import dev.quota.core.strategy.Strategies;
import dev.quota.core.workload.Workload;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.LongConsumer;
import org.HdrHistogram.Histogram;
import org.jdbi.v3.core.Jdbi;

/**
 * Virtual users sending messages through {@code acceptMessage} from many threads at once,
 * in a throw-away schema of their own (real users' rows are never touched), then an
 * invariant check: no counter above its limit, every counter equal to its stored messages,
 * and as many blocked calls as attempts beyond the limits.
 */
public final class Simulation {

    private final DatabaseConfig target;
    private final Function<Jdbi, ChatPath> strategy;
    private final SimulationSettings settings;
    private final Clock clock;

    /** {@code strategy} opens the chat path under test on the simulation's own database; the simulation closes it. */
    public Simulation(DatabaseConfig target, Function<Jdbi, ChatPath> strategy, SimulationSettings settings, Clock clock) {
        this.target = target;
        this.strategy = strategy;
        this.settings = settings;
        this.clock = clock;
    }

    /** Runs it; {@code progress} hears the number of completed calls now and then. */
    public SimulationResult run(LongConsumer progress) {
        Schemas schemas = Schemas.scratch(ScratchSchemas.SIMULATION);
        String schema = schemas.product();
        // the status sampler of a run with holds keeps a connection of its own
        int sampler = settings.replies().mode() == ReplyMode.hold ? 1 : 0;
        DatabaseConfig config = target.withSchemas(schemas)
                .withPoolSize(Math.max(2, DatabaseConfig.poolSizeForConcurrency(settings.threads())) + sampler);
        try (Database database = Database.open(config)) {
            ChatPath path = strategy.apply(database.jdbi());
            try {
                refuseCitus(database, path, settings.messages());
                StandIn.install(database, UserKeyType.WHOLE_NUMBER, settings.messages());
                UserKey[] userIds = createUsers(database);
                return drive(database, config, schema, userIds, path, progress);
            } finally {
                path.close();
                if (!settings.keep()) {
                    database.jdbi().useHandle(handle -> handle.execute("DROP SCHEMA IF EXISTS " + schemas.toolkit() + ", " + schemas.product() + " CASCADE"));
                }
            }
        }
    }

    /**
     * Some Java chat paths do not run on a Citus coordinator (docs/scaling.md): their fused
     * statements and held-units guard take forms Citus refuses. Said before the throw-away
     * schema is made, in one line, rather than as a refusal on every call; and so is a
     * distribution of the messages asked of a server that distributes nothing.
     */
    private static void refuseCitus(Database database, ChatPath path, MessagesDistribution messages) {
        boolean coordinator = database.jdbi().withHandle(CitusDistribution::isCoordinator);
        if (messages != MessagesDistribution.BY_USER && !coordinator) {
            throw new QuotaException(ErrorCode.UNSUPPORTED_BY_DATABASE, "--messages-by " + messages.code() + " distributes the "
                    + "stand-in's messages on a Citus coordinator, and " + database.describe() + " is not one");
        }
        if (!path.runsOnCitus() && coordinator) {
            throw new QuotaException(ErrorCode.UNSUPPORTED_BY_DATABASE, "the " + path.name() + " strategy does not run on a Citus "
                    + "coordinator (docs/scaling.md); these do: " + String.join(", ", Strategies.ON_CITUS) + "; a backend there "
                    + "calls the SQL API (quota.consume, quota.reserve and quota.settle)");
        }
    }

    private UserKey[] createUsers(Database database) {
        return database.jdbi().inTransaction(handle -> {
            AccountDao accounts = handle.attach(AccountDao.class);
            long planId = accounts.upsertPlan("sim", "Simulation", settings.limit());
            UserKey[] ids = new UserKey[settings.users()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = accounts.insertUser("sim-user-" + (i + 1) + "@simulation.invalid");
                accounts.subscribe(ids[i], planId, clock.instant().atOffset(java.time.ZoneOffset.UTC).minusDays(1));
            }
            return ids;
        });
    }

    private SimulationResult drive(Database database, DatabaseConfig config, String schema, UserKey[] userIds, ChatPath path,
                                   LongConsumer progress) {
        ChatService service = new ChatService(database.jdbi(), path, clock);
        ReplyTraffic replies = new ReplyTraffic(service, new AdjustmentService(database.jdbi(), clock), settings.replies(),
                database.jdbi(), userIds);
        Workload.Sampler sampler = settings.distribution().sampler(userIds.length);
        AtomicLong next = new AtomicLong();
        LongAdder accepted = new LongAdder();
        LongAdder blocked = new LongAdder();
        Map<String, LongAdder> errors = new ConcurrentHashMap<>();
        AtomicIntegerArray attempts = new AtomicIntegerArray(userIds.length);
        AtomicIntegerArray failures = new AtomicIntegerArray(userIds.length);
        List<Histogram> histograms = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(settings.threads());
        SplittableRandom seeds = new SplittableRandom(settings.seed());
        long started = System.nanoTime();
        long terminated = 0;
        BackendTerminator chaos = null;
        try {
            if (settings.chaos()) {
                chaos = new BackendTerminator(config, Duration.ofMillis(50), 1);
            }
            for (int t = 0; t < settings.threads(); t++) {
                Histogram histogram = new Histogram(3_600_000_000L, 3);
                histograms.add(histogram);
                SplittableRandom random = seeds.split();
                Thread worker = new Thread(() -> {
                    try {
                        long call;
                        while ((call = next.getAndIncrement()) < settings.requests()) {
                            int user = sampler.next(random);
                            attempts.incrementAndGet(user);
                            long begin = System.nanoTime();
                            try {
                                replies.send(user, userIds[user], "sim-" + call, random);
                                accepted.increment();
                            } catch (QuotaException e) {
                                if (e.code() == ErrorCode.QUOTA_EXCEEDED) {
                                    blocked.increment();
                                } else {
                                    failures.incrementAndGet(user);
                                    errors.computeIfAbsent(e.code().code(), c -> new LongAdder()).increment();
                                }
                            } catch (RuntimeException e) {
                                failures.incrementAndGet(user);
                                errors.computeIfAbsent("unexpected:" + e.getClass().getSimpleName(), c -> new LongAdder()).increment();
                            }
                            histogram.recordValue(Math.max(1, (System.nanoTime() - begin) / 1_000));
                        }
                    } finally {
                        done.countDown();
                    }
                }, "sim-" + t);
                worker.setDaemon(true);
                worker.start();
            }
            while (!done.await(Duration.ofMillis(200).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                progress.accept(Math.min(next.get(), settings.requests()));
            }
            progress.accept(settings.requests());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("simulation interrupted", e);
        } catch (SQLException e) {
            throw new QuotaException(ErrorCode.DATABASE_UNAVAILABLE, "cannot start the chaos connection: " + e.getMessage());
        } finally {
            replies.close();
            path.close();
            if (chaos != null) {
                chaos.close();
                terminated = chaos.terminated();
                database.evictConnections();
            }
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        Histogram latency = new Histogram(3_600_000_000L, 3);
        histograms.forEach(latency::add);

        long expectedBlocked = 0;
        boolean anyFailure = false;
        for (int u = 0; u < userIds.length; u++) {
            expectedBlocked += Math.max(0, attempts.get(u) - settings.limit());
            anyFailure |= failures.get(u) > 0;
        }
        List<String> problems = new ArrayList<>(replies.finish(database.jdbi()));
        InvariantReport invariants = QuotaInvariants.check(database.jdbi());
        if (invariants.aboveLimit() > 0) {
            problems.add(invariants.aboveLimit() + " counter(s) above their limit");
        }
        if (invariants.offLog() > 0) {
            problems.add(invariants.offLog() + " counter(s) differ from their stored messages");
        }
        for (InvariantViolation violation : invariants.samples()) {
            problems.add("  user " + violation.userId() + " on " + violation.quotaDate() + ": counter " + violation.usedCount()
                    + ", messages " + violation.messages() + ", limit " + violation.limit());
        }
        // a failed call may or may not have been committed, so the exact count only holds without failures;
        // and a failed reply gives its unit back, so with replies the count depends on timing
        boolean exact = settings.replies().mode() == ReplyMode.none;
        if (exact && !anyFailure && blocked.sum() != expectedBlocked) {
            problems.add("blocked " + blocked.sum() + " calls, but " + expectedBlocked + " attempts were beyond the limits");
        }
        if (exact && anyFailure && blocked.sum() > expectedBlocked + errors.values().stream().mapToLong(LongAdder::sum).sum()) {
            problems.add("blocked " + blocked.sum() + " calls, more than the attempts beyond the limits allow");
        }
        errors.keySet().stream().filter(code -> code.startsWith("unexpected:"))
                .forEach(code -> problems.add("calls failed with " + code.substring(11) + " instead of a clean error"));
        Map<String, Long> errorCounts = new TreeMap<>();
        errors.forEach((code, count) -> errorCounts.put(code, count.sum()));
        return new SimulationResult(path.name(), schema, accepted.sum(), blocked.sum(), errorCounts, expectedBlocked,
                terminated, elapsed, latency, invariants, replies.tally(), problems);
    }
}
