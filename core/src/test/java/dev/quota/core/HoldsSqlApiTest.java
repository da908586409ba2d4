package dev.quota.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quota.core.testing.Await;
import dev.quota.core.testing.FreshDatabase;
import dev.quota.core.testing.QuotaFixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Holds as a backend uses them around an LLM reply: {@code quota.reserve} before the model
 * call, {@code quota.settle} in the transaction that stores the reply's message,
 * {@code quota.release} when the reply fails, and callers that die in between. The day is
 * the database's; assertions count what was charged and held, so none reads the date. On
 * products keyed by whole numbers, by uuid and by text ids.
 */
@ParameterizedClass(name = "{0} keys")
@EnumSource(UserKeyType.class)
class HoldsSqlApiTest {

    @Parameter
    UserKeyType keys;

    @RegisterExtension
    final FreshDatabase db = new FreshDatabase(() -> keys, config -> config);

    QuotaFixtures fixtures;

    @BeforeEach
    void fixtures() {
        fixtures = db.fixtures();
    }

    private record Reserved(boolean accepted, boolean replayed, String code, int consumed, int held, int remaining) {
    }

    private record Settled(boolean settled, boolean replayed, String code, int charged, int consumed, int held, int remaining) {
    }

    private record Status(int dailyLimit, int consumed, int held, int remaining) {
    }

    private static Reserved reserve(Handle handle, UserKey user, int units, String requestId, String ttl) {
        return handle.createQuery("SELECT accepted, replayed, code, consumed, held, remaining FROM quota.reserve(:u, :n, :r, CAST(:ttl AS interval))")
                .bind("u", user).bind("n", units).bind("r", requestId).bind("ttl", ttl)
                .map((rs, ctx) -> new Reserved(rs.getBoolean(1), rs.getBoolean(2), rs.getString(3), rs.getInt(4), rs.getInt(5), rs.getInt(6)))
                .one();
    }

    private Reserved reserve(UserKey user, int units, String requestId) {
        return db.jdbi().inTransaction(handle -> reserve(handle, user, units, requestId, "5 minutes"));
    }

    private static Settled settle(Handle handle, UserKey user, String requestId, int used) {
        return handle.createQuery("SELECT settled, replayed, code, charged, consumed, held, remaining FROM quota.settle(:u, :r, :n)")
                .bind("u", user).bind("r", requestId).bind("n", used)
                .map((rs, ctx) -> new Settled(rs.getBoolean(1), rs.getBoolean(2), rs.getString(3), rs.getInt(4), rs.getInt(5), rs.getInt(6),
                        rs.getInt(7)))
                .one();
    }

    /** The reply's message and its charge, in one transaction, as the backend stores them. */
    private Settled storeAndSettle(UserKey user, String requestId, int used) {
        return db.jdbi().inTransaction(handle -> {
            storeMessage(handle, user, requestId);
            return settle(handle, user, requestId, used);
        });
    }

    private static void storeMessage(Handle handle, UserKey user, String requestId) {
        handle.createUpdate("INSERT INTO chat_messages (user_id, role, request_id) VALUES (:u, 'user', :r)")
                .bind("u", user).bind("r", requestId).execute();
    }

    private String release(UserKey user, String requestId) {
        return db.jdbi().inTransaction(handle -> handle.createQuery(
                        "SELECT CASE WHEN released THEN 'released' ELSE code END || CASE WHEN replayed THEN ' again' ELSE '' END "
                                + "FROM quota.release(:u, :r)")
                .bind("u", user).bind("r", requestId).mapTo(String.class).one());
    }

    private static Status status(Handle handle, UserKey user) {
        return handle.createQuery("SELECT daily_limit, consumed, held, remaining FROM quota.status(:u)").bind("u", user)
                .map((rs, ctx) -> new Status(rs.getInt(1), rs.getInt(2), rs.getInt(3), rs.getInt(4))).one();
    }

    private Status status(UserKey user) {
        return db.jdbi().withHandle(handle -> status(handle, user));
    }

    private static Integer consume(Handle handle, UserKey user, String requestId) {
        return handle.createQuery("SELECT CASE WHEN accepted THEN 1 ELSE 0 END FROM quota.consume(:u, 1, :r)")
                .bind("u", user).bind("r", requestId).mapTo(Integer.class).one();
    }

    private Integer consume(UserKey user, String requestId) {
        return db.jdbi().inTransaction(handle -> consume(handle, user, requestId));
    }

    /** Holds a short-lived hold of one unit, then waits, by the server's clock, until it has expired. */
    private void holdUntilExpired(UserKey user, String requestId) {
        db.jdbi().useTransaction(handle -> reserve(handle, user, 1, requestId, "200 milliseconds"));
        Await.until("the hold " + requestId + " to expire", () -> db.jdbi().withHandle(handle -> handle.createQuery(
                        "SELECT expires_at <= clock_timestamp() FROM quota.quota_holds WHERE user_id = :u AND request_id = :r")
                .bind("u", user).bind("r", requestId).mapTo(Boolean.class).one()));
    }

    /** Units charged to the user on any day: each test's user is new, so no test reads the date. */
    private int charged(UserKey user) {
        return db.jdbi().withHandle(handle -> handle.createQuery(
                        "SELECT CAST(COALESCE(sum(used_count), 0) AS integer) FROM user_daily_quota_usages WHERE user_id = :u")
                .bind("u", user).mapTo(Integer.class).one());
    }

    private int messages(UserKey user) {
        return db.jdbi().withHandle(handle -> handle.createQuery("SELECT CAST(count(*) AS integer) FROM chat_messages WHERE user_id = :u")
                .bind("u", user).mapTo(Integer.class).one());
    }

    @Test
    void givenRoom_whenReserved_thenTheUnitsAreHeldAndNothingIsCharged() {
        UserKey user = fixtures.subscribedUser(5);

        Reserved reserved = reserve(user, 2, "r-1");

        assertThat(reserved).isEqualTo(new Reserved(true, false, null, 0, 2, 3));
        assertThat(status(user)).isEqualTo(new Status(5, 0, 2, 3));
        assertThat(charged(user)).isZero();
    }

    @Test
    void givenAHold_whenTheReplyIsStoredAndSettledForLess_thenWhatWasUsedIsChargedAndTheRestIsFreed() {
        UserKey user = fixtures.subscribedUser(5);
        reserve(user, 3, "r-1");

        Settled settled = storeAndSettle(user, "r-1", 1);

        assertThat(settled).isEqualTo(new Settled(true, false, null, 1, 1, 0, 4));
        assertThat(charged(user)).isEqualTo(messages(user)).isOne();
    }

    @Test
    void givenASettledHold_whenSettledAgain_thenTheFirstSettlesResultAndNothingMore() {
        UserKey user = fixtures.subscribedUser(5);
        reserve(user, 3, "r-1");
        storeAndSettle(user, "r-1", 2);

        Settled again = db.jdbi().inTransaction(handle -> settle(handle, user, "r-1", 3));

        assertThat(again).isEqualTo(new Settled(true, true, null, 2, 2, 0, 3));
        assertThat(charged(user)).isEqualTo(2);
    }

    @Test
    void givenTheSameRequestId_whenReservedAgain_thenTheSameHoldAndNoMoreHeld() {
        UserKey user = fixtures.subscribedUser(5);
        reserve(user, 2, "r-1");

        Reserved again = reserve(user, 2, "r-1");

        assertThat(again).isEqualTo(new Reserved(true, true, null, 0, 2, 3));
    }

    @Test
    void givenHoldsThatFillTheDay_whenAnotherMessageIsConsumedOrReserved_thenBothAreRefused() {
        UserKey user = fixtures.subscribedUser(3);
        reserve(user, 3, "r-1");

        Reserved refused = reserve(user, 1, "r-2");

        assertThat(refused).isEqualTo(new Reserved(false, false, "quota_exceeded", 0, 3, 0));
        assertThat(consume(user, "c-1")).isZero();
        assertThat(charged(user)).isZero();
    }

    @Test
    void givenUseAboveTheHold_whenSettled_thenTheExtraIsChargedOnlyWithinTheLimitAndSaysSo() {
        UserKey user = fixtures.subscribedUser(5);
        reserve(user, 2, "r-1");

        Settled settled = storeAndSettle(user, "r-1", 7);

        assertThat(settled).isEqualTo(new Settled(true, false, "charged_within_limit", 5, 5, 0, 0));
    }

    @Test
    void givenAReleasedHold_whenSettled_thenHoldReleasedAndNothingCharged() {
        UserKey user = fixtures.subscribedUser(5);
        reserve(user, 2, "r-1");

        assertThat(release(user, "r-1")).isEqualTo("released");
        assertThat(release(user, "r-1")).isEqualTo("released again");
        Settled settled = db.jdbi().inTransaction(handle -> settle(handle, user, "r-1", 1));

        assertThat(settled.settled()).isFalse();
        assertThat(settled.code()).isEqualTo("hold_released");
        assertThat(status(user)).isEqualTo(new Status(5, 0, 0, 5));
    }

    @Test
    void givenUnknownAndSettledHolds_whenReleased_thenTheirCodes() {
        UserKey user = fixtures.subscribedUser(5);
        reserve(user, 1, "r-1");
        storeAndSettle(user, "r-1", 1);

        assertThat(release(user, "r-1")).isEqualTo("hold_settled");
        assertThat(release(user, "nope")).isEqualTo("hold_not_found");
    }

    @Test
    void givenAUserAtTheLimitWhoseCallerDied_whenTheHoldsTtlPasses_thenServedAgainWithNoJobRunning() {
        UserKey user = fixtures.subscribedUser(2);
        db.jdbi().useTransaction(handle -> reserve(handle, user, 2, "dead-caller", "300 milliseconds"));
        assertThat(consume(user, "c-0")).isZero();

        AtomicLong attempt = new AtomicLong();
        Await.until("the dead caller's hold to stop counting", () -> consume(user, "c-" + attempt.incrementAndGet()) == 1);

        Settled late = db.jdbi().inTransaction(handle -> settle(handle, user, "dead-caller", 2));
        assertThat(late.code()).isEqualTo("hold_expired");
        assertThat(late.charged()).isZero();
        assertThat(charged(user)).isOne();
    }

    /**
     * A transaction's now() is its start: a settle whose transaction began while another
     * caller's hold still counted reaches the counter's lock after a consume that found that
     * hold expired and took its room. Its own hold is live, so it is charged in full, and its
     * message is not stored uncharged.
     */
    @Test
    void givenASettleBegunBeforeAnotherHoldExpired_whenAConsumeTakesThatRoomFirst_thenTheSettleChargesItsOwnHoldInFull() throws Exception {
        UserKey user = fixtures.subscribedUser(2);
        reserve(user, 1, "writing");
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try (Handle settling = db.jdbi().open(); Handle consuming = db.jdbi().open()) {
            settling.begin();
            storeMessage(settling, user, "writing");
            holdUntilExpired(user, "dead-caller");
            consuming.begin();
            assertThat(consume(consuming, user, "typed")).isOne();
            storeMessage(consuming, user, "typed");
            Future<Settled> settle = thread.submit(() -> settle(settling, user, "writing", 1));
            Await.lockWaiters(db.jdbi(), 1);
            consuming.commit();
            Settled settled = settle.get();
            settling.commit();

            assertThat(settled.charged()).isOne();
            assertThat(settled.code()).isNull();
        } finally {
            thread.shutdownNow();
        }
        assertThat(charged(user)).isEqualTo(messages(user)).isEqualTo(2);
    }

    @Test
    void givenAReadingBegunBeforeAHoldExpired_whenAConsumeTookItsRoom_thenConsumedAndHeldStayWithinTheLimit() {
        UserKey user = fixtures.subscribedUser(2);
        reserve(user, 1, "writing");
        try (Handle reading = db.jdbi().open()) {
            reading.begin();
            status(reading, user);
            holdUntilExpired(user, "dead-caller");
            assertThat(consume(user, "typed")).isOne();

            assertThat(status(reading, user)).isEqualTo(new Status(2, 1, 1, 0));
            reading.rollback();
        }
    }

    /**
     * 16 callers over three users near their limits: each reserves 1 to 3 units, then the
     * reply fails one time in ten (release), or the caller dies (its hold left to expire), or
     * its backend dies mid-settle (the transaction that stored the message and settled never
     * commits), or the message is stored and settled for one unit; one message in ten is
     * charged with quota.consume instead, racing the holds. A sampler reads
     * {@code quota.status} throughout: consumed + held never exceeds the limit.
     */
    @Test
    void givenCallersThatFailDieAndAreCutOffMidSettle_whenTheyRace_thenNeverAboveTheLimitAndEveryCounterEqualsItsMessages()
            throws Exception {
        List<UserKey> users = List.of(fixtures.subscribedUser(20), fixtures.subscribedUser(25), fixtures.subscribedUser(30));
        AtomicBoolean running = new AtomicBoolean(true);
        List<String> violations = new CopyOnWriteArrayList<>();
        AtomicLong readings = new AtomicLong();
        ExecutorService threads = Executors.newFixedThreadPool(17);
        try {
            Future<?> sampler = threads.submit(() -> {
                while (running.get()) {
                    for (UserKey user : users) {
                        Status status = status(user);
                        readings.incrementAndGet();
                        if (status.consumed() + status.held() > status.dailyLimit()) {
                            violations.add(user + ": " + status);
                        }
                    }
                }
            });
            List<Future<?>> callers = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                int caller = t;
                callers.add(threads.submit(() -> {
                    SplittableRandom random = new SplittableRandom(caller);
                    for (int i = 0; i < 25; i++) {
                        UserKey user = users.get(random.nextInt(users.size()));
                        String requestId = "c" + caller + "-" + i;
                        int fate = random.nextInt(10);
                        if (fate == 3) {
                            consumeAndStore(user, requestId);
                            continue;
                        }
                        String ttl = fate == 1 ? "200 milliseconds" : "1 minute";
                        Reserved reserved = db.jdbi().inTransaction(handle -> reserve(handle, user, 1 + random.nextInt(3), requestId, ttl));
                        if (!reserved.accepted()) {
                            continue;
                        }
                        if (fate == 0) {
                            release(user, requestId);
                        } else if (fate == 2) {
                            cutOffMidSettle(user, requestId);
                        } else if (fate != 1) {
                            storeAndSettle(user, requestId, 1);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> caller : callers) {
                caller.get();
            }
            Await.until("the dead callers' holds to expire", () -> users.stream().allMatch(user -> status(user).held() == 0));
            running.set(false);
            sampler.get();
        } finally {
            running.set(false);
            threads.shutdownNow();
        }

        assertThat(readings.get()).isPositive();
        assertThat(violations).as("readings with consumed + held above the limit").isEmpty();
        for (UserKey user : users) {
            assertThat(charged(user)).as("counter of %s", user).isEqualTo(messages(user));
            assertThat(charged(user)).isLessThanOrEqualTo(status(user).dailyLimit());
        }
    }

    /** A message charged with quota.consume, no hold, racing the holds of others. */
    private void consumeAndStore(UserKey user, String requestId) {
        db.jdbi().useTransaction(handle -> {
            boolean accepted = handle.createQuery("SELECT accepted FROM quota.consume(:u, 1, :r)").bind("u", user).bind("r", requestId)
                    .mapTo(Boolean.class).one();
            if (accepted) {
                storeMessage(handle, user, requestId);
            }
        });
    }

    /** Stores the message and settles, then the connection is closed before the commit: PostgreSQL rolls both back. */
    private void cutOffMidSettle(UserKey user, String requestId) {
        Handle handle = db.jdbi().open();
        try {
            handle.begin();
            storeMessage(handle, user, requestId);
            settle(handle, user, requestId, 1);
            // the backend process goes away mid-transaction, as a killed worker's would
            handle.execute("SELECT pg_terminate_backend(pg_backend_pid())");
        } catch (RuntimeException expected) {
            // the connection is gone: what it wrote is rolled back
        } finally {
            try {
                handle.close();
            } catch (RuntimeException closing) {
                // closing a dead connection
            }
        }
        release(user, requestId);
    }
}
