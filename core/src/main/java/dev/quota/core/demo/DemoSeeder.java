package dev.quota.core.demo;

import dev.quota.core.Progress;
import dev.quota.core.QuotaException;
import dev.quota.core.db.SqlStates;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

/**
 * Generates a realistic synthetic data set (plans, users, subscriptions, messages,
 * counters, a few grants) and bulk-loads it with PostgreSQL {@code COPY}, streaming rows
 * as they are generated so that tens of millions of messages load in minutes in bounded
 * memory. Activity is skewed (a few heavy users, many light ones) and capped at each
 * plan's limit, so a clean data set satisfies every quota invariant; drift is then planted
 * on purpose at the requested rate and reported by kind.
 */
public final class DemoSeeder {

    /** The plans, their daily limits and the share of users on each. */
    private static final String[] PLAN_CODES = {"free", "plus", "pro"};
    private static final String[] PLAN_NAMES = {"Free", "Plus", "Pro"};
    private static final int[] PLAN_LIMITS = {20, 200, 1000};
    private static final double[] PLAN_SHARES = {0.70, 0.25, 0.05};
    private static final double UNSUBSCRIBED_SHARE = 0.02;
    private static final double GRANT_RATE = 0.005;
    private static final int ASSISTANT_EVERY = 10;

    private final DataSource dataSource;

    /** Rows between two progress reports: a report costs nothing next to 10,000 rows of COPY text. */
    private static final int PROGRESS_EVERY = 10_000;

    public DemoSeeder(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Seeds the database. Refuses to touch a database that already has users unless
     * {@code replace}, which first empties every quota table.
     */
    public SeedResult seed(SeedPlan plan, boolean replace) {
        return seed(plan, replace, Progress.NONE);
    }

    /** As {@link #seed(SeedPlan, boolean)}, reporting the messages and counters loaded to {@code progress}. */
    public SeedResult seed(SeedPlan plan, boolean replace, Progress progress) {
        long started = System.nanoTime();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                // a bulk load runs for minutes: the per-statement bound for interactive calls does not apply
                statement.execute("SET LOCAL statement_timeout = 0");
                if (replace) {
                    statement.execute("TRUNCATE quota_adjustments, chat_messages, user_daily_quota_usages, "
                            + "user_subscriptions, users, billing_plans RESTART IDENTITY CASCADE");
                } else {
                    try (var rs = statement.executeQuery("SELECT EXISTS (SELECT 1 FROM users)")) {
                        rs.next();
                        if (rs.getBoolean(1)) {
                            throw QuotaException.invalidInput(
                                    "the database already has users; pass --replace to empty the quota tables first");
                        }
                    }
                }
            }
            SeedResult result = load(connection, plan, started, progress);
            progress.update("committing", 0, 0);
            connection.commit();
            try (Statement statement = connection.createStatement()) {
                connection.setAutoCommit(true);
                progress.update("analyzing", 0, 0);
                statement.execute("ANALYZE users, user_subscriptions, user_daily_quota_usages, chat_messages, quota_adjustments");
            }
            return result;
        } catch (SQLException | IOException e) {
            throw SqlStates.translate(e);
        }
    }

    private SeedResult load(Connection connection, SeedPlan plan, long started, Progress progress) throws SQLException, IOException {
        CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
        SplittableRandom random = new SplittableRandom(plan.seed());
        LocalDate lastDay = plan.lastDay().date();
        LocalDate firstDay = lastDay.minusDays(plan.days() - 1L);

        try (CopyWriter out = new CopyWriter(copy.copyIn("COPY billing_plans (id, code, display_name, daily_message_limit, is_active) FROM STDIN"))) {
            for (int p = 0; p < PLAN_CODES.length; p++) {
                out.row(p + 1, PLAN_CODES[p], PLAN_NAMES[p], PLAN_LIMITS[p], "t");
            }
        }

        int[] planOf = new int[plan.users()];
        double[] activity = new double[plan.users()];
        double activitySum = 0;
        try (CopyWriter users = new CopyWriter(copy.copyIn("COPY users (id, email, role, created_at) FROM STDIN"))) {
            for (int u = 0; u < plan.users(); u++) {
                users.row(u + 1, "user" + (u + 1) + "@demo.quota.dev", "user", firstDay.minusDays(30) + " 00:00:00+00");
                planOf[u] = random.nextDouble() < UNSUBSCRIBED_SHARE ? -1 : pickPlan(random.nextDouble());
                // log-normal activity: most users write a little, a few write a lot
                activity[u] = planOf[u] < 0 ? 0 : Math.exp(random.nextGaussian() * 0.8);
                activitySum += activity[u];
            }
        }
        try (CopyWriter subscriptions = new CopyWriter(copy.copyIn(
                "COPY user_subscriptions (user_id, plan_id, status, started_at, ended_at) FROM STDIN"))) {
            for (int u = 0; u < plan.users(); u++) {
                if (planOf[u] >= 0) {
                    subscriptions.row(u + 1, planOf[u] + 1, "active", firstDay.minusDays(30) + " 00:00:00+00", null);
                } else {
                    subscriptions.row(u + 1, 1, "canceled", firstDay.minusDays(30) + " 00:00:00+00", firstDay.minusDays(1) + " 00:00:00+00");
                }
            }
        }

        double perUserDay = activitySum == 0 ? 0 : (double) plan.messages() / plan.days() / activitySum;
        Map<String, Long> planted = new LinkedHashMap<>();
        for (String kind : new String[] {"over_counted", "under_counted", "missing_counter", "orphan_counter"}) {
            planted.put(kind, 0L);
        }
        long userMessages = 0;
        long assistantMessages = 0;
        long counters = 0;
        long grants = 0;
        long messageId = 0;
        // one COPY at a time per connection: messages first, remembering each user-day's count
        int[][] counts = new int[plan.days()][plan.users()];
        try (CopyWriter messages = new CopyWriter(copy.copyIn(
                "COPY chat_messages (id, user_id, conversation_id, role, created_at, request_id) FROM STDIN"))) {
            for (int d = 0; d < plan.days(); d++) {
                LocalDate day = firstDay.plusDays(d);
                for (int u = 0; u < plan.users(); u++) {
                    if (planOf[u] < 0) {
                        continue;
                    }
                    double mean = activity[u] * perUserDay;
                    int k = (int) Math.min(PLAN_LIMITS[planOf[u]], Math.round(mean * (0.5 + random.nextDouble())));
                    counts[d][u] = k;
                    for (int i = 0; i < k; i++) {
                        String at = timestamp(day, random.nextInt(86_400), random.nextInt(1_000_000));
                        messages.row(++messageId, u + 1, (long) (u + 1) * 1000 + d, "user", at, "seed-" + messageId);
                        if (++userMessages % PROGRESS_EVERY == 0) {
                            progress.update("messages", userMessages, plan.messages());
                        }
                        if (messageId % ASSISTANT_EVERY == 0) {
                            messages.row(++messageId, u + 1, (long) (u + 1) * 1000 + d, "assistant", at, null);
                            assistantMessages++;
                        }
                    }
                }
            }
        }
        long grantId = 0;
        try (CopyWriter usages = new CopyWriter(copy.copyIn(
                "COPY user_daily_quota_usages (user_id, quota_date, used_count, updated_at) FROM STDIN"))) {
            for (int d = 0; d < plan.days(); d++) {
                LocalDate day = firstDay.plusDays(d);
                for (int u = 0; u < plan.users(); u++) {
                    int k = counts[d][u];
                    boolean drift = random.nextDouble() < plan.driftRate();
                    if (planOf[u] < 0) {
                        if (drift) {
                            usages.row(u + 1, day, 1 + random.nextInt(5), day + " 23:59:59+00");
                            counters++;
                            planted.merge("orphan_counter", 1L, Long::sum);
                        }
                        continue;
                    }
                    if (k == 0) {
                        continue;
                    }
                    int used = k;
                    if (drift) {
                        int choice = random.nextInt(3);
                        if (choice == 0) {
                            planted.merge("missing_counter", 1L, Long::sum);
                            continue;
                        } else if (choice == 1) {
                            used = k + 1 + random.nextInt(3);
                            planted.merge("over_counted", 1L, Long::sum);
                        } else {
                            used = k - 1 - random.nextInt(Math.min(k, 3));
                            planted.merge("under_counted", 1L, Long::sum);
                        }
                    }
                    usages.row(u + 1, day, used, day + " 23:59:59+00");
                    counters++;
                    if (u % PROGRESS_EVERY == 0) {
                        progress.update("counters", (long) d * plan.users() + u, (long) plan.days() * plan.users());
                    }
                }
            }
        }
        try (CopyWriter adjustments = new CopyWriter(copy.copyIn(
                "COPY quota_adjustments (user_id, quota_date, kind, requested, applied_delta, reason, actor, request_id, created_at) FROM STDIN"))) {
            for (int d = 0; d < plan.days(); d++) {
                LocalDate day = firstDay.plusDays(d);
                for (int u = 0; u < plan.users(); u++) {
                    if (planOf[u] >= 0 && random.nextDouble() < GRANT_RATE) {
                        adjustments.row(u + 1, day, "grant", 10, 10, "goodwill credit", "support:demo",
                                "seed-grant-" + (++grantId), day + " 12:00:00+00");
                        grants++;
                    }
                }
            }
        }
        try (Statement statement = connection.createStatement()) {
            for (String table : new String[] {"billing_plans", "users", "user_subscriptions", "chat_messages",
                    "user_daily_quota_usages", "quota_adjustments"}) {
                statement.execute("SELECT setval(pg_get_serial_sequence('" + table + "', 'id'), "
                        + "GREATEST((SELECT max(id) FROM " + table + "), 1))");
            }
        }
        return new SeedResult(plan.users(), plan.days(), userMessages, assistantMessages, counters, grants, planted,
                Duration.ofNanos(System.nanoTime() - started));
    }

    private static int pickPlan(double x) {
        double cumulative = 0;
        for (int p = 0; p < PLAN_SHARES.length; p++) {
            cumulative += PLAN_SHARES[p];
            if (x < cumulative) {
                return p;
            }
        }
        return PLAN_SHARES.length - 1;
    }

    private static String timestamp(LocalDate day, int secondOfDay, int micros) {
        return String.format("%s %02d:%02d:%02d.%06d+00", day, secondOfDay / 3600, secondOfDay / 60 % 60, secondOfDay % 60, micros);
    }

    /** Buffers COPY text rows and streams them to the server in large chunks. */
    private static final class CopyWriter implements AutoCloseable {
        private final CopyIn copy;
        private final StringBuilder buffer = new StringBuilder(1 << 17);

        CopyWriter(CopyIn copy) {
            this.copy = copy;
        }

        void row(Object... values) throws SQLException {
            for (int i = 0; i < values.length; i++) {
                if (i > 0) {
                    buffer.append('\t');
                }
                // generated values never contain tabs, newlines or backslashes: no escaping needed
                buffer.append(values[i] == null ? "\\N" : values[i].toString());
            }
            buffer.append('\n');
            if (buffer.length() >= (1 << 16)) {
                flush();
            }
        }

        private void flush() throws SQLException {
            byte[] bytes = buffer.toString().getBytes(StandardCharsets.UTF_8);
            copy.writeToCopy(bytes, 0, bytes.length);
            buffer.setLength(0);
        }

        @Override
        public void close() throws SQLException {
            flush();
            copy.endCopy();
        }
    }
}
