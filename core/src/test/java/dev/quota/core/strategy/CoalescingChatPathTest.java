package dev.quota.core.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quota.core.service.ChatService;
import dev.quota.core.ErrorCode;
import dev.quota.core.QuotaDay;
import dev.quota.core.QuotaException;
import dev.quota.core.UserKey;
import dev.quota.core.testing.Await;
import dev.quota.core.testing.ConcurrentCalls;
import dev.quota.core.testing.FreshDatabase;
import dev.quota.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What coalescing promises beyond the shared contract: it batches, in order, and never strands a caller. */
class CoalescingChatPathTest {

    @RegisterExtension
    final FreshDatabase db = new FreshDatabase();

    private static final Instant NOON = Instant.parse("2026-07-01T12:00:00Z");
    private static final QuotaDay DAY = QuotaDay.of(NOON);

    private static ChatRequest request(UserKey user, String requestId) {
        return new ChatRequest(user, 1, requestId, false, NOON);
    }

    @Test
    void givenAHotUserAnd32Callers_whenConsuming_thenMessagesShareTransactions() {
        UserKey user = db.fixtures().subscribedUser(100_000);
        try (CoalescingChatPath coalescing = new CoalescingChatPath(db.jdbi(), CoalescingChatPath.DEFAULT_MAX_BATCH, Duration.ZERO)) {
            ChatService service = new ChatService(db.jdbi(), coalescing, new MutableClock(NOON));

            ConcurrentCalls.Outcomes outcomes = ConcurrentCalls.run(32, 50, (t, a) -> service.acceptMessage(String.valueOf(user), null));

            assertThat(outcomes.accepted.sum()).isEqualTo(1600);
            assertThat(coalescing.served()).isEqualTo(1600);
            assertThat(coalescing.transactions()).as("transactions for 1600 messages").isLessThan(800);
            assertThat(db.fixtures().usedCount(user, DAY.date())).isEqualTo(1600);
        }
    }

    @Test
    void givenCallersQueuedBehindALockedCounter_whenTheLimitRunsOut_thenTheEarliestAreGrantedFirst() throws Exception {
        UserKey user = db.fixtures().subscribedUser(3);
        try (CoalescingChatPath coalescing = new CoalescingChatPath(db.jdbi(), CoalescingChatPath.DEFAULT_MAX_BATCH, Duration.ZERO);
             Handle blocker = db.jdbi().open()) {
            blocker.begin();
            db.jdbi().useHandle(h -> h.execute("INSERT INTO user_daily_quota_usages (user_id, quota_date, used_count) VALUES (?, ?, 0)",
                    user, DAY.date()));
            blocker.createQuery("SELECT used_count FROM user_daily_quota_usages WHERE user_id = :u FOR UPDATE")
                    .bind("u", user).mapTo(Integer.class).one();
            List<CompletableFuture<ChatOutcome>> answers = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                answers.add(coalescing.submit(request(user, "order-" + i)));
            }
            Await.lockWaiters(db.jdbi(), 1); // the first batch waits on the blocker's row lock, the rest behind it
            blocker.rollback();

            List<Boolean> accepted = new ArrayList<>();
            for (var answer : answers) {
                accepted.add(answer.get(10, TimeUnit.SECONDS) instanceof ChatOutcome.Accepted);
            }
            assertThat(accepted).containsExactly(true, true, true, false, false);
        }
    }

    @Test
    void givenQueuedCallers_whenTheStrategyCloses_thenTheyFailCleanlyInsteadOfHanging() throws Exception {
        UserKey user = db.fixtures().subscribedUser(10);
        CoalescingChatPath coalescing = new CoalescingChatPath(db.jdbi(), CoalescingChatPath.DEFAULT_MAX_BATCH, Duration.ofSeconds(5));
        CompletableFuture<ChatOutcome> queued = coalescing.submit(request(user, "late"));

        coalescing.close();

        assertThat(queued).failsWithin(Duration.ofSeconds(1)).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOfSatisfying(QuotaException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.CONTENTION_TIMEOUT));
        assertThat(db.fixtures().usedCount(user, LocalDate.of(2026, 7, 1))).isZero();
    }
}
