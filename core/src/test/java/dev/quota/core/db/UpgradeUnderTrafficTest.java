package dev.quota.core.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quota.core.testing.Await;
import dev.quota.core.testing.SharedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An upgrade from each earlier version of the toolkit's schema to the latest, on a filled
 * database (request ids, counters, adjustments, findings), while the backend's traffic runs:
 * through {@code quota.consume} in the message's transaction from the version that has it
 * (V4), and before it through the product's own guarded upsert, as a backend did before the
 * SQL API. Afterwards every counter equals its messages, the filled rows are unchanged, and
 * every request id charged before or during the upgrade replays.
 */
class UpgradeUnderTrafficTest {

    /** The day every charge of this test is for, passed as p_at: the test never reads the date. */
    private static final String DAY = "2026-07-01T10:00:00Z";
    private static final int USERS = 40;

    @ParameterizedTest(name = "from V{0}")
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9})
    void givenAFilledDatabaseAtAnEarlierVersion_whenUpgradedWhileTheBackendConsumes_thenEveryCounterIsExactAndEveryRequestIdReplays(
            int version) throws Exception {
        String name = SharedPostgres.get().createEmptyDatabase();
        try (Database database = Database.open(SharedPostgres.get().config(name).withPoolSize(2))) {
            StandIn.installAt(database, version);
            Jdbi jdbi = database.jdbi();
            fill(jdbi, version);
            List<Map<String, Object>> filled = toolkitRows(jdbi);

            try (Traffic traffic = new Traffic(SharedPostgres.get().server().jdbcUrl(name), 4)) {
                Await.until("the backend's first calls", () -> traffic.calls.get() >= 20);
                SchemaMigrator.install(database);
                long after = traffic.calls.get();
                Await.until("the backend's calls after the upgrade", () -> traffic.calls.get() >= after + 20);
                if (version < 7) {
                    // V7 (a released migration, its text fixed) swaps consumed_requests' key in one transaction:
                    // a call waiting on its lock resumes in the function it started, whose ON CONFLICT (request_id)
                    // no longer has its key. It fails once, rolled back whole (docs/operations.md#upgrading).
                    assertThat(traffic.failures).as("the backend's failed calls").allMatch(failure -> failure.startsWith("42P10 "));
                } else {
                    assertThat(traffic.failures).as("the backend's failed calls").isEmpty();
                }
            }

            int upgradedTo = jdbi.withHandle(h -> SchemaVersion.applied(h, database.config().schemas()));
            assertThat(upgradedTo).isEqualTo(SchemaVersion.LATEST);
            assertThat(one(jdbi, """
                    SELECT count(*) FROM (
                        SELECT user_id, quota_date, used_count FROM user_daily_quota_usages
                        EXCEPT
                        SELECT user_id, CAST(created_at AT TIME ZONE 'UTC' AS date), CAST(count(*) AS integer)
                          FROM chat_messages WHERE role = 'user' GROUP BY 1, 2) off""")).as("counters off their messages").isZero();
            assertThat(one(jdbi, "SELECT count(*) FROM quota.consumed_requests")).isGreaterThan(0);
            long counted = one(jdbi, "SELECT sum(used_count) FROM user_daily_quota_usages");
            assertThat(one(jdbi, "SELECT count(*) FROM quota.consumed_requests r, LATERAL quota.consume(r.user_id, r.units, "
                    + "r.request_id, '" + DAY + "') c WHERE NOT c.replayed")).as("request ids that did not replay").isZero();
            assertThat(one(jdbi, "SELECT sum(used_count) FROM user_daily_quota_usages")).isEqualTo(counted);
            assertThat(toolkitRows(jdbi)).containsAll(filled);
        } finally {
            SharedPostgres.get().dropDatabase(name);
        }
    }

    /** Users on a plan; yesterday's messages and counters; grants, a run's findings, and request ids where the version keeps them. */
    private static void fill(Jdbi jdbi, int version) {
        jdbi.useHandle(h -> {
            h.execute("""
                    INSERT INTO billing_plans (code, display_name, daily_message_limit) VALUES ('free', 'Free', 1000);
                    INSERT INTO users (email) SELECT 'user' || g || '@example.com' FROM generate_series(1, %1$d) g;
                    INSERT INTO user_subscriptions (user_id, plan_id, status, started_at) SELECT id, 1, 'active', '2026-01-01Z' FROM users;
                    INSERT INTO chat_messages (user_id, role, created_at, request_id)
                    SELECT u, 'user', '2026-06-30T12:00Z', 'pre-' || u || '-' || m FROM generate_series(1, %1$d) u, generate_series(1, 50) m;
                    INSERT INTO user_daily_quota_usages (user_id, quota_date, used_count) SELECT g, '2026-06-30', 50 FROM generate_series(1, %1$d) g;
                    INSERT INTO quota.quota_adjustments (user_id, quota_date, kind, requested, applied_delta, reason, actor, request_id)
                    SELECT g, '2026-06-30', 'grant', 5, 5, 'outage', 'support:ana', 'grant-' || g FROM generate_series(1, 5) g;
                    INSERT INTO quota.quota_reconciliation_runs (job_instance_id, mode, date_from, date_to) VALUES (1, 'report', '2026-06-29', '2026-06-29');
                    INSERT INTO quota.quota_reconciliation_drifts (run_id, user_id, quota_date, used_count, expected, messages, drift, kinds)
                    SELECT 1, g, '2026-06-29', 3, 2, 2, 1, '{over_counted}' FROM generate_series(1, 3) g;
                    """.formatted(USERS));
            if (version >= 4) {
                h.execute("""
                        INSERT INTO quota.consumed_requests (request_id, user_id, quota_date, units)
                        SELECT request_id, user_id, '2026-06-30', 1 FROM chat_messages""");
            }
        });
    }

    private static List<Map<String, Object>> toolkitRows(Jdbi jdbi) {
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT 'adjustment' AS t, user_id::text AS u, quota_date, kind || ' ' || applied_delta || ' ' || request_id AS r
                  FROM quota.quota_adjustments
                UNION ALL SELECT 'finding', user_id::text, quota_date, array_to_string(kinds, ',') FROM quota.quota_reconciliation_drifts
                UNION ALL SELECT 'counter', user_id::text, quota_date, used_count::text FROM user_daily_quota_usages WHERE quota_date < '2026-07-01'
                ORDER BY 1, 2, 3""").mapToMap().list());
    }

    private static long one(Jdbi jdbi, String sql) {
        return jdbi.withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }

    /**
     * The backend: threads that each store a user message and charge it in one transaction,
     * through quota.consume once it exists; a call that fails (a lock wait the upgrade cut
     * short) is rolled back whole, message and charge, as the backend's would be.
     */
    private static final class Traffic implements AutoCloseable {

        final AtomicLong calls = new AtomicLong();
        final List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final ExecutorService threads;
        private final List<Future<?>> running = new ArrayList<>();

        Traffic(String url, int count) {
            threads = Executors.newFixedThreadPool(count);
            for (int t = 0; t < count; t++) {
                int thread = t;
                running.add(threads.submit(() -> {
                    try (Connection connection = DriverManager.getConnection(url, "postgres", null)) {
                        connection.setAutoCommit(false);
                        for (long i = 0; !stop.get(); i++) {
                            call(connection, 1 + (int) ((i * 7 + thread) % USERS), "t" + thread + "-" + i);
                            calls.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
        }

        private void call(Connection connection, int user, String requestId) throws SQLException {
            try {
                boolean charged;
                if (hasSqlApi(connection)) {
                    try (PreparedStatement consume = connection.prepareStatement(
                            "SELECT accepted AND NOT replayed FROM quota.consume(?, 1, ?, CAST(? AS timestamptz))")) {
                        consume.setLong(1, user);
                        consume.setString(2, requestId);
                        consume.setString(3, DAY);
                        try (ResultSet row = consume.executeQuery()) {
                            row.next();
                            charged = row.getBoolean(1);
                        }
                    }
                } else {
                    try (PreparedStatement upsert = connection.prepareStatement("""
                            INSERT INTO user_daily_quota_usages AS q (user_id, quota_date, used_count) VALUES (?, DATE '2026-07-01', 1)
                            ON CONFLICT (user_id, quota_date) DO UPDATE SET used_count = q.used_count + 1 WHERE q.used_count < 1000""")) {
                        upsert.setLong(1, user);
                        charged = upsert.executeUpdate() == 1;
                    }
                }
                if (charged) {
                    try (PreparedStatement message = connection.prepareStatement(
                            "INSERT INTO chat_messages (user_id, role, created_at, request_id) VALUES (?, 'user', CAST(? AS timestamptz), ?)")) {
                        message.setLong(1, user);
                        message.setString(2, DAY);
                        message.setString(3, requestId);
                        message.executeUpdate();
                    }
                }
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                failures.add(e.getSQLState() + " " + e.getMessage());
            }
        }

        private static boolean hasSqlApi(Connection connection) throws SQLException {
            try (PreparedStatement check = connection.prepareStatement(
                    "SELECT to_regprocedure('quota.consume(bigint, integer, text, timestamptz)') IS NOT NULL");
                 ResultSet row = check.executeQuery()) {
                row.next();
                return row.getBoolean(1);
            }
        }

        @Override
        public void close() throws Exception {
            stop.set(true);
            for (Future<?> thread : running) {
                thread.get();
            }
            threads.shutdown();
        }
    }
}
