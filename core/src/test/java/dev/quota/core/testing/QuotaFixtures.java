package dev.quota.core.testing;

import dev.quota.core.UserKey;
import dev.quota.core.persistence.AccountDao;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Builds the users, plans and subscriptions a test talks about. */
public final class QuotaFixtures {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    /** Before any day a test talks about, so the subscription covers them all. */
    private static final java.time.OffsetDateTime SUBSCRIBED_SINCE = java.time.OffsetDateTime.parse("2020-01-01T00:00:00Z");
    private final Jdbi jdbi;

    public QuotaFixtures(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public long plan(String code, int dailyLimit) {
        return jdbi.withExtension(AccountDao.class, dao -> dao.upsertPlan(code, code + " plan", dailyLimit));
    }

    /** A user subscribed to a plan with this daily limit; returns the user id. */
    public UserKey subscribedUser(int dailyLimit) {
        return subscribedUser("user" + SEQUENCE.incrementAndGet() + "@example.com", dailyLimit);
    }

    public UserKey subscribedUser(String email, int dailyLimit) {
        return subscribedUser(email, dailyLimit, SUBSCRIBED_SINCE.toInstant());
    }

    public UserKey subscribedUser(String email, int dailyLimit, Instant since) {
        long planId = plan("limit-" + dailyLimit, dailyLimit);
        return jdbi.inTransaction(handle -> {
            AccountDao dao = handle.attach(AccountDao.class);
            UserKey userId = dao.insertUser(email);
            dao.subscribe(userId, planId, since.atOffset(ZoneOffset.UTC));
            return userId;
        });
    }

    /** Cancels the user's active subscription at {@code at} and starts one on a plan with this limit. */
    public void changePlan(UserKey userId, int dailyLimit, Instant at) {
        long planId = plan("limit-" + dailyLimit, dailyLimit);
        jdbi.useTransaction(handle -> {
            cancelSubscription(handle, userId, at);
            handle.attach(AccountDao.class).subscribe(userId, planId, at.atOffset(ZoneOffset.UTC));
        });
    }

    /** Ends the user's active subscription at {@code at}: the subscription covers up to, not including, that instant. */
    public void cancelSubscription(UserKey userId, Instant at) {
        jdbi.useHandle(handle -> cancelSubscription(handle, userId, at));
    }

    private static void cancelSubscription(Handle handle, UserKey userId, Instant at) {
        handle.createUpdate("UPDATE user_subscriptions SET status = 'canceled', ended_at = :at WHERE user_id = :u AND status = 'active'")
                .bind("u", userId).bind("at", at.atOffset(ZoneOffset.UTC)).execute();
    }

    public UserKey unsubscribedUser(String email) {
        return jdbi.withExtension(AccountDao.class, dao -> dao.insertUser(email));
    }

    /** The counter of a user given by a whole-number id (a product layout's fixed rows). */
    public int usedCount(long userId, LocalDate day) {
        return usedCount(UserKey.of(userId), day);
    }

    public int usedCount(UserKey userId, LocalDate day) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT used_count FROM user_daily_quota_usages WHERE user_id = :u AND quota_date = :d")
                .bind("u", userId).bind("d", day).mapTo(Integer.class).findOne().orElse(0));
    }

    public int messageCount(UserKey userId, LocalDate day) {
        return jdbi.withHandle(handle -> handle.createQuery("""
                        SELECT count(*) FROM chat_messages
                         WHERE user_id = :u AND role = 'user'
                           AND created_at >= CAST(:d AS date) AT TIME ZONE 'UTC'
                           AND created_at < (CAST(:d AS date) + 1) AT TIME ZONE 'UTC'
                        """)
                .bind("u", userId).bind("d", day).mapTo(Integer.class).one());
    }

    public int adjustmentSum(UserKey userId, LocalDate day, boolean usageKindsOnly) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT COALESCE(sum(applied_delta), 0) FROM quota_adjustments WHERE user_id = :u AND quota_date = :d"
                                + (usageKindsOnly ? " AND kind IN ('refund', 'charge', 'reset', 'set')" : ""))
                .bind("u", userId).bind("d", day).mapTo(Integer.class).one());
    }

    public long totalMessages() {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT count(*) FROM chat_messages").mapTo(Long.class).one());
    }
}
