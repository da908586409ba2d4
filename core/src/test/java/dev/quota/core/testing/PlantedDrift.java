package dev.quota.core.testing;

import dev.quota.core.service.ChatService;
import dev.quota.core.UserKey;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * A day with one user per drift kind the nightly job finds, and clean users around them:
 * what a reconciliation test plants. Messages go through {@code service}, whose clock must
 * read {@code day}; the drift is then made by hand, as a bug or a bypass would.
 */
public final class PlantedDrift {

    private final Jdbi jdbi;
    private final ChatService service;
    private final QuotaFixtures fixtures;

    public PlantedDrift(Jdbi jdbi, ChatService service) {
        this.jdbi = jdbi;
        this.service = service;
        this.fixtures = new QuotaFixtures(jdbi);
    }

    /** A subscribed user with {@code messages} accepted through the chat path today. */
    public UserKey userWithMessages(int limit, int messages) {
        UserKey user = fixtures.subscribedUser(limit);
        if (messages > 0) {
            service.consume(String.valueOf(user), messages, null);
        }
        return user;
    }

    /** Runs one statement with positional arguments. */
    public void sql(String statement, Object... args) {
        jdbi.useHandle(h -> {
            var update = h.createUpdate(statement);
            for (int i = 0; i < args.length; i++) {
                update.bind(i, args[i]);
            }
            update.execute();
        });
    }

    /** Users by the kind planted on {@code day}: five drifting ones and two clean ones ({@code clean}, {@code another_clean}). */
    public Map<String, UserKey> everyKind(LocalDate day) {
        UserKey clean = userWithMessages(10, 4);
        UserKey overCounted = userWithMessages(10, 3);
        sql("UPDATE user_daily_quota_usages SET used_count = used_count + 2 WHERE user_id = ?", overCounted);
        UserKey underCounted = userWithMessages(10, 5);
        sql("UPDATE user_daily_quota_usages SET used_count = used_count - 1 WHERE user_id = ?", underCounted);
        UserKey missing = userWithMessages(10, 2);
        sql("DELETE FROM user_daily_quota_usages WHERE user_id = ?", missing);
        UserKey orphan = fixtures.unsubscribedUser("orphan-" + day + "@example.com");
        sql("INSERT INTO user_daily_quota_usages (user_id, quota_date, used_count) VALUES (?, ?, 0)", orphan, day);
        UserKey overLimit = userWithMessages(3, 3);
        sql("INSERT INTO chat_messages (user_id, role, created_at, request_id) VALUES (?, 'user', ?, ?), (?, 'user', ?, ?)",
                overLimit, day.atTime(11, 0).atOffset(ZoneOffset.UTC), "bypass-" + overLimit + "-1",
                overLimit, day.atTime(11, 0, 1).atOffset(ZoneOffset.UTC), "bypass-" + overLimit + "-2");
        sql("UPDATE user_daily_quota_usages SET used_count = 5 WHERE user_id = ?", overLimit);
        UserKey anotherClean = userWithMessages(50, 20);
        return Map.of("clean", clean, "over_counted", overCounted, "under_counted", underCounted, "missing_counter", missing,
                "orphan_counter", orphan, "over_limit", overLimit, "another_clean", anotherClean);
    }
}
