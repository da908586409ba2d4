package dev.quota.core;
import dev.quota.core.db.ConnectionSource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quota.core.db.ServerClock;
import dev.quota.core.db.SqlStates;
import dev.quota.core.service.AdjustmentService;
import dev.quota.core.service.ReportService;
import dev.quota.core.testing.Await;
import dev.quota.core.testing.FreshDatabase;
import dev.quota.core.testing.QuotaFixtures;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.JdbiException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code quota.consume} and {@code quota.status} as a backend calls them, in its own
 * transactions, on the database's clock (the functions take the day from it); assertions
 * count what was charged rather than read the date, so none can fail across midnight.
 * The contract suite proves the same promises through {@code sql-function}; these are the
 * SQL API's own: the caller's rollback, racing connections, arguments. On a product keyed by
 * whole numbers, by uuid and by text ids: the functions take the product's key type.
 */
@ParameterizedClass(name = "{0} keys")
@EnumSource(UserKeyType.class)
class SqlApiTest {

    @Parameter
    UserKeyType keys;

    @RegisterExtension
    final FreshDatabase db = new FreshDatabase(() -> keys, config -> config);

    /** A key of the layout's type that no user has. */
    private UserKey unknownUser() {
        return switch (keys) {
            case WHOLE_NUMBER -> UserKey.of(999_999);
            case UUID -> new UserKey.Uuid(java.util.UUID.fromString("00000000-0000-4000-8000-000000000000"));
            case TEXT -> new UserKey.Text("auth0|nobody");
        };
    }

    QuotaFixtures fixtures;

    @BeforeEach
    void fixtures() {
        fixtures = db.fixtures();
    }

    private record Consumed(boolean accepted, boolean replayed, String code, Integer dailyLimit, Integer consumed, Integer remaining) {
    }

    private static Consumed consume(Handle handle, UserKey userId, Integer units, String requestId) {
        return handle.createQuery("SELECT accepted, replayed, code, daily_limit, consumed, remaining FROM quota.consume(:u, :n, :r)")
                .bind("u", userId).bind("n", units).bind("r", requestId)
                .map((rs, ctx) -> new Consumed(rs.getBoolean(1), rs.getBoolean(2), rs.getString(3), rs.getObject(4, Integer.class),
                        rs.getObject(5, Integer.class), rs.getObject(6, Integer.class)))
                .one();
    }

    private Consumed consumeAndCommit(UserKey userId, int units, String requestId) {
        return db.jdbi().inTransaction(handle -> consume(handle, userId, units, requestId));
    }

    /** With {@code p_at}: what a backend that stamps its messages with its own clock passes. */
    private Consumed consumeAt(UserKey userId, int units, String requestId, Instant at) {
        return db.jdbi().inTransaction(handle -> handle.createQuery(
                        "SELECT accepted, replayed, code, daily_limit, consumed, remaining FROM quota.consume(:u, :n, :r, :at)")
                .bind("u", userId).bind("n", units).bind("r", requestId).bind("at", at.atOffset(ZoneOffset.UTC))
                .map((rs, ctx) -> new Consumed(rs.getBoolean(1), rs.getBoolean(2), rs.getString(3), rs.getObject(4, Integer.class),
                        rs.getObject(5, Integer.class), rs.getObject(6, Integer.class)))
                .one());
    }

    /** Units charged to the user on any day: each test's user is new, so no test reads the date. */
    private int charged(UserKey user) {
        return db.jdbi().withHandle(handle -> handle.createQuery(
                        "SELECT CAST(COALESCE(sum(used_count), 0) AS integer) FROM user_daily_quota_usages WHERE user_id = :u")
                .bind("u", user).mapTo(Integer.class).one());
    }

    /** The database's today, which decides the functions' today (never the host's). */
    private LocalDate serverToday() {
        return db.jdbi().withHandle(handle -> handle.createQuery("SELECT quota.today()").mapTo(LocalDate.class).one());
    }

    @Test
    void givenACallerThatRollsBack_whenItRetriesTheSameRequestId_thenNothingWasChargedAndTheRetryIsNew() {
        UserKey user = fixtures.subscribedUser(5);

        db.jdbi().useTransaction(handle -> {
            assertThat(consume(handle, user, 2, "req-1").accepted()).isTrue();
            handle.rollback();
        });
        assertThat(charged(user)).isZero();

        Consumed retry = consumeAndCommit(user, 2, "req-1");
        assertThat(retry.accepted()).isTrue();
        assertThat(retry.replayed()).isFalse();
        assertThat(charged(user)).isEqualTo(2);
    }

    @Test
    void givenACommittedRequestId_whenRetried_thenReplayedAndNotChargedAgain() {
        UserKey user = fixtures.subscribedUser(5);
        consumeAndCommit(user, 1, "req-1");

        Consumed again = consumeAndCommit(user, 1, "req-1");

        assertThat(again).isEqualTo(new Consumed(true, true, null, 5, 1, 4));
        assertThat(charged(user)).isEqualTo(1);
    }

    @Test
    void givenARequestIdChargedToOneUser_whenAnotherUserSendsIt_thenItIsASeparateRequestChargedToThem() {
        UserKey first = fixtures.subscribedUser(5);
        UserKey second = fixtures.subscribedUser(5);
        consumeAndCommit(first, 1, "shared-id");

        Consumed theirs = consumeAndCommit(second, 2, "shared-id");

        assertThat(theirs).isEqualTo(new Consumed(true, false, null, 5, 2, 3));
        assertThat(charged(first)).isEqualTo(1);
        assertThat(consumeAndCommit(first, 1, "shared-id")).isEqualTo(new Consumed(true, true, null, 5, 1, 4));
    }

    @Test
    void givenTwoConnectionsRacingTheSameRequestId_whenBothCommit_thenItIsChargedOnce() throws Exception {
        UserKey user = fixtures.subscribedUser(5);
        CountDownLatch firstHasConsumed = new CountDownLatch(1);
        CountDownLatch secondIsWaiting = new CountDownLatch(1);

        CompletableFuture<Consumed> first = CompletableFuture.supplyAsync(() -> db.jdbi().inTransaction(handle -> {
            Consumed consumed = consume(handle, user, 1, "race");
            firstHasConsumed.countDown();
            await(secondIsWaiting);
            return consumed;
        }));
        await(firstHasConsumed);
        CompletableFuture<Consumed> second = CompletableFuture.supplyAsync(() -> db.jdbi().inTransaction(handle -> consume(handle, user, 1, "race")));
        Await.lockWaiters(db.jdbi(), 1); // the second is blocked on the first's key
        secondIsWaiting.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS).replayed()).isFalse();
        assertThat(second.get(10, TimeUnit.SECONDS).replayed()).isTrue();
        assertThat(charged(user)).isEqualTo(1);
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void givenAFullDay_whenConsuming_thenARefusalRowAndTheRequestIdStaysFree() {
        UserKey user = fixtures.subscribedUser(2);
        consumeAndCommit(user, 2, "a");

        Consumed refused = consumeAndCommit(user, 1, "b");

        assertThat(refused).isEqualTo(new Consumed(false, false, "quota_exceeded", 2, 2, 0));
        int kept = db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM quota.consumed_requests WHERE request_id = 'b'")
                .mapTo(Integer.class).one());
        assertThat(kept).isZero();
    }

    @Test
    void givenAPlanChangeAndAGrant_whenTheNextCallComes_thenTheNewLimitApplies() {
        UserKey user = fixtures.subscribedUser(1);
        consumeAndCommit(user, 1, "a");
        assertThat(consumeAndCommit(user, 1, "b").code()).isEqualTo("quota_exceeded");

        fixtures.changePlan(user, 3, ServerClock.of(db.jdbi()).instant());
        assertThat(consumeAndCommit(user, 1, "c").dailyLimit()).isEqualTo(3);

        new AdjustmentService(db.jdbi(), ServerClock.of(db.jdbi())).adjust(new AdjustmentRequest(AdjustmentKind.GRANT, String.valueOf(user), null,
                2, "outage", "support:ana", null, false));
        Consumed afterGrant = consumeAndCommit(user, 3, "d");
        assertThat(afterGrant.accepted()).isTrue();
        assertThat(afterGrant.dailyLimit()).isEqualTo(5);
        assertThat(afterGrant.consumed()).isEqualTo(5);
    }

    @Test
    void givenAPlanLoweredAtNoonYesterday_whenYesterdayIsChargedWithABackdatedAt_thenYesterdaysPlanJudgesIt() {
        Instant yesterdayNoon = serverToday().minusDays(1).atTime(12, 0).toInstant(ZoneOffset.UTC);
        UserKey user = fixtures.subscribedUser("lowered@example.com", 200, yesterdayNoon.minus(java.time.Duration.ofDays(3)));
        fixtures.changePlan(user, 5, yesterdayNoon);

        Consumed yesterday = consumeAt(user, 10, "late-1", yesterdayNoon.plusSeconds(3600));
        Consumed today = consumeAndCommit(user, 10, "now-1");

        assertThat(yesterday.accepted()).isTrue();
        assertThat(yesterday.dailyLimit()).isEqualTo(200);
        assertThat(today.code()).isEqualTo("quota_exceeded");
        assertThat(today.dailyLimit()).isEqualTo(5);
    }

    @Test
    void givenARequestIdChargedAt235959_whenRetriedAt000001_thenReplayedForTheDayItWasChargedTo() {
        LocalDate yesterday = serverToday().minusDays(1);
        UserKey user = fixtures.subscribedUser(5);
        Instant lastSecond = yesterday.atTime(23, 59, 59).toInstant(ZoneOffset.UTC);

        consumeAt(user, 2, "midnight-1", lastSecond);
        Consumed retry = consumeAt(user, 2, "midnight-1", lastSecond.plusSeconds(2));

        assertThat(retry).isEqualTo(new Consumed(true, true, null, 5, 2, 3));
        assertThat(fixtures.usedCount(user, yesterday)).isEqualTo(2);
        assertThat(fixtures.usedCount(user, yesterday.plusDays(1))).isZero();
    }

    @Test
    void givenPlanLimitsAndGrants_whenTheEffectiveLimitIsComputed_thenTheirSumNeverBelowZeroNoneWithoutAPlanAndSaturating() {
        var limits = db.jdbi().withHandle(h -> h.createQuery("""
                        SELECT quota.effective_limit(100, 25), quota.effective_limit(5, -10), quota.effective_limit(NULL, 3),
                               quota.effective_limit(2147483647, 2147483647), quota.expected_usage(3, -5), quota.expected_usage(8, -3)
                        """)
                .map((rs, ctx) -> java.util.Arrays.asList(rs.getObject(1, Integer.class), rs.getObject(2, Integer.class),
                        rs.getObject(3, Integer.class), rs.getObject(4, Integer.class), rs.getObject(5, Integer.class),
                        rs.getObject(6, Integer.class)))
                .one());

        assertThat(limits).containsExactly(125, 0, null, Integer.MAX_VALUE, 0, 5);
    }

    @Test
    void givenUnknownAndUnsubscribedUsers_whenConsuming_thenTheirCodesAsRows() {
        UserKey unsubscribed = fixtures.unsubscribedUser("nobody@example.com");

        assertThat(consumeAndCommit(unknownUser(), 1, "x").code()).isEqualTo("user_not_found");
        assertThat(consumeAndCommit(unsubscribed, 1, "y").code()).isEqualTo("no_active_subscription");
    }

    @Test
    void givenAUserAndADay_whenStatusIsAsked_thenItAgreesWithQuotaShow() {
        UserKey user = fixtures.subscribedUser(7);
        consumeAndCommit(user, 3, "a");

        var row = db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT plan_code, daily_limit, consumed, remaining, reset_at FROM quota.status(:u)")
                .bind("u", user).mapToMap().one());
        QuotaStatus shown = new ReportService(ConnectionSource.of(db.jdbi()), ServerClock.of(db.jdbi())).status(String.valueOf(user));

        assertThat(row.get("plan_code")).isEqualTo(shown.planCode());
        assertThat(row.get("daily_limit")).isEqualTo(shown.limit());
        assertThat(row.get("consumed")).isEqualTo(shown.consumed());
        assertThat(row.get("remaining")).isEqualTo(shown.remaining());
        assertThat(((java.sql.Timestamp) row.get("reset_at")).toInstant()).isEqualTo(shown.resetAt());
    }

    @Test
    void givenBadArguments_whenConsuming_thenADocumentedSqlStateAndNothingWritten() {
        UserKey user = fixtures.subscribedUser(5);

        assertSqlState(() -> consumeAndCommit(user, 0, "a"), "22023");
        assertSqlState(() -> consumeAndCommit(user, -1, "a"), "22023");
        assertSqlState(() -> consumeAndCommit(user, 10_001, "a"), "22023");
        assertSqlState(() -> consumeAndCommit(user, 1, "  "), "22023");
        assertSqlState(() -> db.jdbi().inTransaction(h -> consume(h, user, 1, null)), "22004");
        assertSqlState(() -> db.jdbi().inTransaction(h -> consume(h, null, 1, "a")), "22004");
        assertThat(charged(user)).isZero();
    }

    private static void assertSqlState(Runnable call, String state) {
        assertThatThrownBy(call::run).isInstanceOf(JdbiException.class)
                .satisfies(e -> assertThat(SqlStates.sqlState(e)).contains(state));
    }
}
