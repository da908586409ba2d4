package dev.quota.core.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quota.core.AdjustmentKind;
import dev.quota.core.AdjustmentRequest;
import dev.quota.core.service.AdjustmentService;
import dev.quota.core.service.ChatService;
import dev.quota.core.Consumption;
import dev.quota.core.ErrorCode;
import dev.quota.core.QuotaDay;
import dev.quota.core.QuotaException;
import dev.quota.core.UserKey;
import dev.quota.core.UserKeyType;
import dev.quota.core.check.BackendTerminator;
import dev.quota.core.check.InvariantReport;
import dev.quota.core.check.QuotaInvariants;
import dev.quota.core.db.Database;
import dev.quota.core.testing.ConcurrentCalls.Outcomes;
import dev.quota.core.testing.ConcurrentCalls;
import dev.quota.core.testing.FreshDatabase;
import dev.quota.core.testing.MutableClock;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The promises every strategy's {@link ChatPath} makes, checked against a real PostgreSQL
 * under concurrency, killed connections, timeouts and an exhausted pool. Randomness is
 * seeded so that a failure can be replayed. Two of its tests run at a time
 * (junit-platform.properties): each has a database of its own on the shared server, and
 * much of the suite waits on reconnections and timeouts rather than on the cores.
 */
@ParameterizedClass(name = "{0} on {1} keys")
@MethodSource("layouts")
@Execution(ExecutionMode.CONCURRENT)
class ConsumptionStrategyContractTest {

    /** The forms a Citus coordinator runs ({@link Strategies#ON_CITUS}), here on one server, each named {@code <strategy>/citus-form}. */
    static final Map<String, Function<Jdbi, ChatPath>> CITUS_FORMS = Map.of(
            AtomicStrategy.NAME + "/citus-form", OneStatementChatPath::citusForm,
            GroupCommitChatPath.NAME + "/citus-form", GroupCommitChatPath::citusForm,
            SqlFunctionChatPath.NAME + "/citus-form", SqlFunctionChatPath::citusForm);

    /** Every strategy, and the Citus forms; {@code -Dquota.contract.strategies=a,b} narrows a local run to some. */
    static List<String> strategies() {
        String only = System.getProperty("quota.contract.strategies", "");
        List<String> all = new ArrayList<>(Strategies.NAMES);
        all.addAll(new TreeSet<>(CITUS_FORMS.keySet()));
        return only.isBlank() ? all : List.of(only.split(","));
    }

    /** Every strategy on a product keyed by whole numbers, by uuid (the FastAPI template's) and by text ids. */
    static Stream<Arguments> layouts() {
        return Arrays.stream(UserKeyType.values()).flatMap(keys -> strategies().stream().map(strategy -> Arguments.of(strategy, keys)));
    }

    private static final long SEED = 20261124L;
    private static final Instant NOON = Instant.parse("2026-07-01T12:00:00Z");
    private static final LocalDate DAY = LocalDate.of(2026, 7, 1);
    private static final Duration PATIENT = Duration.ofSeconds(30);

    @Parameter(0)
    String strategyName;

    @Parameter(1)
    UserKeyType keys;

    private final MutableClock clock = new MutableClock(NOON);

    private final List<ChatPath> opened = new ArrayList<>();

    private ChatService service(FreshDatabase db) {
        return service(db.database());
    }

    /** The strategy's chat path on {@code database}, closed after the test as its owner would. */
    private ChatService service(Database database) {
        ChatPath path = CITUS_FORMS.containsKey(strategyName)
                ? CITUS_FORMS.get(strategyName).apply(database.jdbi())
                : Strategies.open(strategyName, database.jdbi());
        opened.add(path);
        return new ChatService(database.jdbi(), path, clock);
    }

    @AfterEach
    void closePaths() {
        opened.forEach(ChatPath::close);
    }

    private static void assertInvariantsHold(FreshDatabase db) {
        InvariantReport report = QuotaInvariants.check(db.jdbi());
        assertThat(report.samples()).as("counters breaking an invariant").isEmpty();
        assertThat(report.holds()).isTrue();
    }

    private static void assertOnlyCleanErrors(Outcomes outcomes, ErrorCode... allowed) {
        assertThat(outcomes.unexpected).as("failures that are not clean quota errors").isEmpty();
        assertThat(outcomes.errors.keySet()).as("error codes seen").isSubsetOf(EnumSet.of(ErrorCode.QUOTA_EXCEEDED, allowed));
    }

    /**
     * Patient waits: these tests count exactly, and on a loaded two-core CI host a row lock or
     * a pooled connection was once waited for longer than the 2 s default, which is a
     * deployment's latency choice, not the contract. The tests of a timeout set tight ones.
     */
    @RegisterExtension
    final FreshDatabase db = new FreshDatabase(() -> keys, config -> config.withTimeouts(PATIENT, PATIENT, PATIENT.multipliedBy(2)));

    // --- hot user: every thread on one counter ------------------------------------------------

    @Test
    void givenOneHotUserWithLimit2000_when32ThreadsTry100TimesEach_thenExactly2000AreAcceptedAndStored() {
        hotUser(2000);
    }

    @Test
    void givenOneHotUserWithLimit1000_when32ThreadsTry100TimesEach_thenExactly1000AreAcceptedAndStored() {
        hotUser(1000);
    }

    private void hotUser(int limit) {
        UserKey user = db.fixtures().subscribedUser(limit);
        ChatService service = service(db);

        Outcomes outcomes = ConcurrentCalls.run(32, 100, (t, a) -> service.acceptMessage(String.valueOf(user), null));

        assertOnlyCleanErrors(outcomes);
        assertThat(outcomes.accepted.sum()).isEqualTo(limit);
        assertThat(outcomes.errors(ErrorCode.QUOTA_EXCEEDED)).isEqualTo(32 * 100 - limit);
        assertThat(db.fixtures().usedCount(user, DAY)).isEqualTo(limit);
        assertThat(db.fixtures().messageCount(user, DAY)).isEqualTo(limit);
    }

    @Test
    void givenAUserGivenByEmail_whenConsumingPastTheLimit_thenTheSamePathChargesAndRefusesAsById() {
        UserKey user = db.fixtures().subscribedUser("by-email@example.com", 2);
        ChatService service = service(db);

        service.acceptMessage("By-Email@example.com", null);
        service.acceptMessage(String.valueOf(user), null);

        assertThatThrownBy(() -> service.acceptMessage("by-email@example.com", null))
                .isInstanceOfSatisfying(QuotaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.QUOTA_EXCEEDED));
        assertThat(db.fixtures().usedCount(user, DAY)).isEqualTo(2);
        assertThat(db.fixtures().messageCount(user, DAY)).isEqualTo(2);
    }

    // --- holds: units reserved for replies being written (quota.reserve) --------------------------

    /** A hold of {@code units} on the test's day, taken as a backend takes it, in a transaction of its own. */
    private boolean reserve(UserKey user, int units, String requestId) {
        return db.jdbi().inTransaction(h -> h.createQuery(
                        "SELECT accepted FROM quota.reserve(:u, :n, :r, interval '1 hour', CAST(:at AS timestamptz))")
                .bind("u", user).bind("n", units).bind("r", requestId).bind("at", NOON.toString()).mapTo(Boolean.class).one());
    }

    private void release(UserKey user, String requestId) {
        db.jdbi().useTransaction(h -> h.createQuery("SELECT released FROM quota.release(:u, :r)").bind("u", user).bind("r", requestId)
                .mapTo(Boolean.class).one());
    }

    @Test
    void givenUnitsHeldForAReplyThatFillTheDay_whenConsumed_thenRefusedUntilTheHoldIsReleased() {
        UserKey user = db.fixtures().subscribedUser(5);
        ChatService service = service(db);
        service.acceptMessage(String.valueOf(user), null);
        assertThat(reserve(user, 4, "reply-1")).isTrue();

        assertThatThrownBy(() -> service.acceptMessage(String.valueOf(user), null))
                .isInstanceOfSatisfying(QuotaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.QUOTA_EXCEEDED));
        release(user, "reply-1");
        service.acceptMessage(String.valueOf(user), null);

        assertThat(db.fixtures().usedCount(user, DAY)).isEqualTo(2);
        assertThat(db.fixtures().messageCount(user, DAY)).isEqualTo(2);
    }

    @Test
    void givenHoldsTakenAndReleasedWhileTheStrategyConsumes_whenTheyRace_thenConsumedPlusHeldNeverPassesTheLimit() throws Exception {
        UserKey user = db.fixtures().subscribedUser(40);
        ChatService service = service(db);
        AtomicBoolean running = new AtomicBoolean(true);
        List<String> overLimit = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread sampler = new Thread(() -> {
            while (running.get()) {
                int[] seen = db.jdbi().withHandle(h -> h.createQuery("SELECT consumed, held, daily_limit FROM quota.status(:u, :day)")
                        .bind("u", user).bind("day", DAY).map((rs, ctx) -> new int[] {rs.getInt(1), rs.getInt(2), rs.getInt(3)}).one());
                if (seen[0] + seen[1] > seen[2]) {
                    overLimit.add(Arrays.toString(seen));
                }
            }
        });
        // a reply is nearly always being written: each hold is released once the next is taken
        Thread holders = new Thread(() -> {
            for (int i = 0; running.get(); i++) {
                reserve(user, 1 + i % 3, "reply-" + i);
                if (i > 0) {
                    release(user, "reply-" + (i - 1));
                }
            }
        });
        sampler.start();
        holders.start();
        Outcomes outcomes;
        try {
            outcomes = ConcurrentCalls.run(8, 10, (t, a) -> service.acceptMessage(String.valueOf(user), null));
        } finally {
            running.set(false);
            sampler.join();
            holders.join();
        }

        assertOnlyCleanErrors(outcomes);
        assertThat(overLimit).as("readings of consumed + held above the limit").isEmpty();
        assertThat(db.fixtures().usedCount(user, DAY)).isEqualTo(outcomes.accepted.sum()).isEqualTo(db.fixtures().messageCount(user, DAY))
                .isLessThanOrEqualTo(40);
    }

    // --- many users -----------------------------------------------------------------------------

    @Test
    void given200UsersWithRandomSmallLimits_when16ThreadsHitThemInRandomOrder_thenEachGetsExactlyMinOfAttemptsAndLimit() {
        Random random = new Random(SEED);
        int users = 200;
        UserKey[] ids = new UserKey[users];
        int[] limits = new int[users];
        for (int i = 0; i < users; i++) {
            limits[i] = 1 + random.nextInt(25);
            ids[i] = db.fixtures().subscribedUser(limits[i]);
        }
        int threads = 16;
        int perThread = 250;
        int[][] plan = new int[threads][perThread];
        AtomicIntegerArray attempts = new AtomicIntegerArray(users);
        for (int[] row : plan) {
            for (int a = 0; a < perThread; a++) {
                row[a] = random.nextInt(users);
                attempts.incrementAndGet(row[a]);
            }
        }
        AtomicIntegerArray accepted = new AtomicIntegerArray(users);
        ChatService service = service(db);

        Outcomes outcomes = ConcurrentCalls.run(threads, perThread, (t, a) -> {
            Consumption result = service.acceptMessage(String.valueOf(ids[plan[t][a]]), null);
            accepted.incrementAndGet(plan[t][a]);
            return result;
        });

        assertOnlyCleanErrors(outcomes);
        for (int i = 0; i < users; i++) {
            int expected = Math.min(attempts.get(i), limits[i]);
            assertThat(accepted.get(i)).as("accepted for user %d (limit %d)", i, limits[i]).isEqualTo(expected);
            assertThat(db.fixtures().usedCount(ids[i], DAY)).as("counter of user %d", i).isEqualTo(expected);
        }
        assertInvariantsHold(db);
    }

    // --- races on the first row and on the request_id -------------------------------------------

    @Test
    void givenANewUserDay_when32ThreadsSendTheirFirstMessageAtOnce_thenAllAreAcceptedWithoutDuplicateKeyErrors() {
        UserKey user = db.fixtures().subscribedUser(100);
        ChatService service = service(db);

        Outcomes outcomes = ConcurrentCalls.run(32, 1, (t, a) -> service.acceptMessage(String.valueOf(user), null));

        assertThat(outcomes.unexpected).isEmpty();
        assertThat(outcomes.totalErrors()).as("errors: %s", outcomes).isZero();
        assertThat(db.fixtures().usedCount(user, DAY)).isEqualTo(32);
    }

    @Test
    void givenTheSameRequestIdFrom16ThreadsAtOnce_whenConsumed_thenItIsChargedExactlyOnce() {
        UserKey user = db.fixtures().subscribedUser(100);
        ChatService service = service(db);

        Outcomes outcomes = ConcurrentCalls.run(16, 1, (t, a) -> service.acceptMessage(String.valueOf(user), "dup-42"));

        assertOnlyCleanErrors(outcomes);
        assertThat(outcomes.accepted.sum()).isEqualTo(1);
        assertThat(outcomes.replayed.sum()).isEqualTo(15);
        assertThat(db.fixtures().usedCount(user, DAY)).isEqualTo(1);
        assertThat(db.fixtures().messageCount(user, DAY)).isEqualTo(1);
    }

    // --- midnight -----------------------------------------------------------------------------

    @Test
    void givenConsumptionAcrossUtcMidnight_whenTheClockFlipsMidRun_thenEachMessageLandsOnTheCounterOfItsOwnDay() {
        UserKey user = db.fixtures().subscribedUser(1000);
        clock.set(Instant.parse("2026-07-01T23:59:59.999999Z"));
        ChatService service = service(db);
        AtomicLong calls = new AtomicLong();

        Outcomes outcomes = ConcurrentCalls.run(8, 100, (t, a) -> {
            if (calls.incrementAndGet() == 400) {
                clock.set(Instant.parse("2026-07-02T00:00:00Z"));
            }
            return service.acceptMessage(String.valueOf(user), null);
        });

        assertOnlyCleanErrors(outcomes);
        int first = db.fixtures().usedCount(user, DAY);
        int second = db.fixtures().usedCount(user, DAY.plusDays(1));
        assertThat(first).isPositive();
        assertThat(second).isPositive();
        assertThat(first + second).isEqualTo(800);
        assertInvariantsHold(db);
    }

    // --- faults -------------------------------------------------------------------------------

    @Test
    void givenBackendsKilledDuringTheRun_whenConsuming_thenEveryFailureIsCleanAndRetriesSettleEveryRequestExactlyOnce() throws Exception {
        int users = 20;
        UserKey[] ids = new UserKey[users];
        for (int i = 0; i < users; i++) {
            ids[i] = db.fixtures().subscribedUser(60);
        }
        Random random = new Random(SEED);
        int threads = 8;
        int perThread = 150;
        int[][] plan = new int[threads][perThread];
        for (int[] row : plan) {
            for (int a = 0; a < perThread; a++) {
                row[a] = random.nextInt(users);
            }
        }
        ChatService service = service(db);
        ConcurrentCalls.Call call = (t, a) -> service.acceptMessage(String.valueOf(ids[plan[t][a]]), "kill-" + t + "-" + a);

        Outcomes outcomes;
        // one kill every 40 ms, about as fast as the pool opens connections again (HikariCP adds one
        // every 30 ms at most): faster only starves the callers of connections, which proves nothing more
        try (BackendTerminator killer = new BackendTerminator(db.config(), Duration.ofMillis(40), 1)) {
            outcomes = ConcurrentCalls.run(threads, perThread, call);
            assertThat(killer.terminated()).as("backends terminated").isPositive();
        }
        db.database().evictConnections();

        assertOnlyCleanErrors(outcomes, ErrorCode.DATABASE_UNAVAILABLE, ErrorCode.CONTENTION_TIMEOUT);
        assertThat(outcomes.errors(ErrorCode.DATABASE_UNAVAILABLE)).as("faults surfaced as database_unavailable").isPositive();
        assertInvariantsHold(db);
        // A failure may hide a commit whose answer was lost; retrying with the same request_id
        // must settle each one: replayed if it had committed, accepted or refused if not.
        Outcomes retried = new Outcomes();
        for (int[] failed : outcomes.failedCalls) {
            try {
                Consumption result = call.invoke(failed[0], failed[1]);
                (result.replayed() ? retried.replayed : retried.accepted).increment();
            } catch (QuotaException e) {
                assertThat(e.code()).isEqualTo(ErrorCode.QUOTA_EXCEEDED);
            }
        }
        long committed = outcomes.accepted.sum() + retried.accepted.sum() + retried.replayed.sum();
        long counters = 0;
        for (UserKey id : ids) {
            counters += db.fixtures().usedCount(id, DAY);
        }
        assertThat(counters).isEqualTo(committed);
        assertInvariantsHold(db);
    }

    @Test
    void givenStatementsTimingOutMidTransaction_whenConsuming_thenTimeoutsAreCleanAndNothingHalfWritten() {
        // A timeout every ordinary statement meets with room to spare on a busy host (opening the
        // path runs catalog queries under it too: 20 ms failed there once), and an insert that
        // sometimes sleeps twice as long: the message insert outlives it after the counter moved.
        try (Database tight = Database.open(db.config().withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofMillis(250)))) {
            db.jdbi().useHandle(h -> h.execute("""
                    CREATE FUNCTION slow_message() RETURNS trigger LANGUAGE plpgsql AS
                    $$ BEGIN IF random() < 0.2 THEN PERFORM pg_sleep(0.5); END IF; RETURN NEW; END $$;
                    CREATE TRIGGER slow BEFORE INSERT ON chat_messages FOR EACH ROW EXECUTE FUNCTION slow_message();
                    """));
            UserKey user = db.fixtures().subscribedUser(10_000);
            ChatService service = service(tight);

            Outcomes outcomes = ConcurrentCalls.run(8, 40, (t, a) -> service.acceptMessage(String.valueOf(user), null));

            assertOnlyCleanErrors(outcomes, ErrorCode.CONTENTION_TIMEOUT);
            assertThat(outcomes.errors(ErrorCode.CONTENTION_TIMEOUT)).isPositive();
            assertThat(db.fixtures().usedCount(user, DAY)).isEqualTo(outcomes.accepted.sum());
            assertInvariantsHold(db);
        }
    }

    @Test
    void givenTheCounterLockedByAnotherTransaction_whenConsuming_thenContentionTimeoutInsteadOfHanging() throws Exception {
        try (Database tight = Database.open(db.config().withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(200), Duration.ofSeconds(5)))) {
            UserKey user = db.fixtures().subscribedUser(10);
            ChatService service = service(tight);
            service.acceptMessage(String.valueOf(user), null);
            try (Handle blocker = db.jdbi().open()) {
                blocker.begin();
                blocker.createQuery("SELECT used_count FROM user_daily_quota_usages WHERE user_id = :u FOR UPDATE")
                        .bind("u", user).mapTo(Integer.class).one();
                new CounterKey(user, QuotaDay.of(DAY)).lockAdvisory(blocker);

                long started = System.nanoTime();
                assertThatThrownBy(() -> service.acceptMessage(String.valueOf(user), null))
                        .isInstanceOfSatisfying(QuotaException.class,
                                e -> assertThat(e.code()).isEqualTo(ErrorCode.CONTENTION_TIMEOUT));
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
                blocker.rollback();
            }
            assertThat(db.fixtures().usedCount(user, DAY)).isEqualTo(1);
            assertThat(db.fixtures().messageCount(user, DAY)).isEqualTo(1);
        }
    }

    @Test
    void givenAnExhaustedPool_whenConsuming_thenAContentionErrorAndNothingChanged() throws Exception {
        try (Database single = Database.open(db.config().withPoolSize(1)
                .withTimeouts(Duration.ofMillis(300), Duration.ofSeconds(2), Duration.ofSeconds(5)))) {
            UserKey user = db.fixtures().subscribedUser(10);
            ChatService service = service(single);
            try (Connection held = single.dataSource().getConnection()) {
                assertThatThrownBy(() -> service.acceptMessage(String.valueOf(user), null))
                        .isInstanceOfSatisfying(QuotaException.class,
                                e -> assertThat(e.code()).isEqualTo(ErrorCode.CONTENTION_TIMEOUT));
            }
            assertThat(db.fixtures().usedCount(user, DAY)).isZero();
            assertThat(service.acceptMessage(String.valueOf(user), null).status().consumed()).isEqualTo(1);
        }
    }

    // --- adjustments racing consumption -------------------------------------------------------

    @Test
    void givenRefundsGrantsAndResetsFromAnotherThread_whenConsuming_thenTheCounterEqualsMessagesPlusAppliedDeltas() throws Exception {
        UserKey user = db.fixtures().subscribedUser(500);
        String ref = String.valueOf(user);
        ChatService service = service(db);
        AdjustmentService adjustments = new AdjustmentService(db.jdbi(), clock);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong applied = new AtomicLong();
        Thread adjuster = new Thread(() -> {
            Random random = new Random(SEED);
            AdjustmentKind[] kinds = {AdjustmentKind.REFUND, AdjustmentKind.GRANT, AdjustmentKind.RESET, AdjustmentKind.CHARGE};
            while (running.get()) {
                AdjustmentKind kind = kinds[random.nextInt(kinds.length)];
                try {
                    adjustments.adjust(AdjustmentRequest.of(kind, ref, 1 + random.nextInt(5), "contract test", "test"));
                    applied.incrementAndGet();
                } catch (QuotaException e) {
                    assertThat(e.code()).isEqualTo(ErrorCode.CONTENTION_TIMEOUT);
                }
            }
        }, "adjuster");
        adjuster.start();
        Outcomes outcomes;
        try {
            outcomes = ConcurrentCalls.run(8, 150, (t, a) -> service.acceptMessage(ref, null));
        } finally {
            running.set(false);
            adjuster.join();
        }

        assertOnlyCleanErrors(outcomes);
        assertThat(applied.get()).as("adjustments applied during the run").isPositive();
        int used = db.fixtures().usedCount(user, DAY);
        assertThat(used).isEqualTo(db.fixtures().messageCount(user, DAY) + db.fixtures().adjustmentSum(user, DAY, true));
        assertInvariantsHold(db);
    }
}
