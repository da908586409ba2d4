package dev.quota.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quota.core.QuotaDay;
import dev.quota.core.UserKey;
import dev.quota.core.db.Database;
import dev.quota.core.db.DatabaseConfig;
import dev.quota.core.db.ServerClock;
import dev.quota.core.db.StandIn;
import dev.quota.core.testing.DebianPostgres;
import dev.quota.core.testing.FakeClockPostgres;
import dev.quota.core.testing.QuotaFixtures;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * A UTC midnight on a real server whose clock (libfaketime) starts just before it: backend
 * transactions that begin on one day and call {@code quota.consume} on the next charge the
 * day their message is stored on, so neither day drifts, and the nightly job agrees.
 */
// Not concurrent with the module's other tests, although it mostly waits: Spring Batch keeps
// its step and job scopes in JVM-wide registries keyed by execution id, and two fresh
// databases both number their first step execution 1.
class AcrossMidnightTest {

    private static final Instant MIDNIGHT = Instant.parse("2030-03-15T00:00:00Z");
    private static final QuotaDay BEFORE = QuotaDay.parse("2030-03-14");
    private static final QuotaDay AFTER = QuotaDay.parse("2030-03-15");
    private static final int THREADS = 8;

    private record Consumed(boolean accepted, boolean replayed, Instant resetAt, int consumed) {
    }

    private static Consumed consume(Handle handle, UserKey user, String requestId) {
        return handle.createQuery("SELECT accepted, replayed, reset_at, consumed FROM quota.consume(:u, 1, :r)")
                .bind("u", user).bind("r", requestId)
                .map((rs, ctx) -> new Consumed(rs.getBoolean(1), rs.getBoolean(2),
                        rs.getObject(3, OffsetDateTime.class).toInstant(), rs.getInt(4)))
                .one();
    }

    /** The product's insert: {@code created_at} from its column default, now(). */
    private static void storeMessage(Handle handle, UserKey user, String requestId) {
        handle.createUpdate("INSERT INTO chat_messages (user_id, role, request_id) VALUES (:u, 'user', :r)")
                .bind("u", user).bind("r", requestId).execute();
    }

    private static Instant serverTime(Handle handle, String expression) {
        return handle.createQuery("SELECT " + expression).mapTo(OffsetDateTime.class).one().toInstant();
    }

    /** The server sleeps until its own clock reads {@code at}. */
    private static void untilServerTime(Jdbi jdbi, Instant at) {
        jdbi.useHandle(handle -> handle.createQuery("SELECT pg_sleep(GREATEST(0, extract(epoch FROM (:at - clock_timestamp()))))")
                .bind("at", at.atOffset(ZoneOffset.UTC)).mapToMap().one());
    }

    @Test
    void givenTransactionsOpenAcrossMidnight_whenTheyConsumeAndStoreTheirMessages_thenNeitherDayDriftsAndTheJobAgrees()
            throws Exception {
        FakeClockPostgres.assumeAvailable();
        try (DebianPostgres server = FakeClockPostgres.start(MIDNIGHT.minusSeconds(12));
             Database database = Database.open(DatabaseConfig.of(server.jdbcUrl("postgres"), "postgres", null)
                     .withPoolSize(THREADS + 4))) {
            StandIn.install(database);
            QuotaFixtures fixtures = new QuotaFixtures(database.jdbi());
            List<UserKey> users = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                users.add(fixtures.subscribedUser(100_000));
            }
            UserKey retrying = fixtures.subscribedUser(10);
            Instant ready = database.jdbi().withHandle(handle -> serverTime(handle, "clock_timestamp()"));
            assertThat(ready).as("the server was set up before its midnight").isBefore(MIDNIGHT.minusSeconds(3));

            // given: backends that load the conversation and work 0-200 ms in their open transaction, then consume
            AtomicInteger spanned = new AtomicInteger();
            List<CompletableFuture<Void>> backends = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                SplittableRandom random = new SplittableRandom(t);
                backends.add(CompletableFuture.runAsync(() -> {
                    boolean past = false;
                    while (!past) {
                        UserKey user = users.get(random.nextInt(users.size()));
                        double work = random.nextInt(201) / 1000.0;
                        past = database.jdbi().inTransaction(handle -> {
                            Instant began = serverTime(handle, "now()");
                            handle.createQuery("SELECT count(*) FROM chat_messages WHERE user_id = :u").bind("u", user).mapTo(Long.class).one();
                            handle.createQuery("SELECT pg_sleep(:s)").bind("s", work).mapToMap().one(); // the backend's work: server time passes
                            Instant calledAt = serverTime(handle, "clock_timestamp()");
                            String requestId = UUID.randomUUID().toString();
                            if (consume(handle, user, requestId).accepted()) {
                                storeMessage(handle, user, requestId);
                            }
                            if (began.isBefore(MIDNIGHT) && !calledAt.isBefore(MIDNIGHT)) {
                                spanned.incrementAndGet();
                            }
                            return !calledAt.isBefore(MIDNIGHT.plusSeconds(2));
                        });
                    }
                }));
            }

            // and a request id charged at 23:59:59, retried at 00:00:01
            untilServerTime(database.jdbi(), MIDNIGHT.minusSeconds(1));
            Consumed charged = database.jdbi().inTransaction(handle -> {
                Consumed consumed = consume(handle, retrying, "charged-at-235959");
                storeMessage(handle, retrying, "charged-at-235959");
                return consumed;
            });
            untilServerTime(database.jdbi(), MIDNIGHT.plusSeconds(1));
            Consumed retried = database.jdbi().inTransaction(handle -> consume(handle, retrying, "charged-at-235959"));
            CompletableFuture.allOf(backends.toArray(CompletableFuture[]::new)).get();

            // then
            assertThat(spanned.get()).as("transactions that began before midnight and consumed after it").isPositive();
            assertThat(charged.resetAt()).isEqualTo(MIDNIGHT);
            assertThat(retried).isEqualTo(new Consumed(true, true, MIDNIGHT, 1));
            java.util.Map<String, Object> ledger = database.jdbi().withHandle(handle -> handle.createQuery("""
                    SELECT count(*) FILTER (WHERE COALESCE(c.used_count, 0) <> COALESCE(m.stored, 0)) AS drifting,
                           count(DISTINCT COALESCE(c.quota_date, m.day)) AS days
                      FROM user_daily_quota_usages c
                      FULL JOIN (SELECT user_id, CAST(created_at AT TIME ZONE 'UTC' AS date) AS day, count(*) AS stored
                                   FROM chat_messages WHERE role = 'user' GROUP BY 1, 2) m
                        ON m.user_id = c.user_id AND m.day = c.quota_date
                    """).mapToMap().one());
            assertThat(ledger).containsEntry("drifting", 0L).containsEntry("days", 2L);
            try (Reconciler reconciler = new Reconciler(database, ServerClock.of(database))) {
                ReconcileResult result = reconciler.run(new ReconcileRequest(BEFORE, AFTER, ReconcileMode.REPORT, 500, 2, true, false));
                assertThat(result.completed()).isTrue();
                assertThat(result.rowsScanned()).isGreaterThanOrEqualTo(2L * users.size());
                assertThat(result.drifts()).isZero();
            }
        }
    }
}
