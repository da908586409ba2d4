package dev.quota.core.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quota.core.service.ChatService;
import dev.quota.core.ErrorCode;
import dev.quota.core.UserKey;
import dev.quota.core.check.QuotaInvariants;
import dev.quota.core.db.SqlStates;
import dev.quota.core.testing.Await;
import dev.quota.core.testing.ConcurrentCalls;
import dev.quota.core.testing.FreshDatabase;
import dev.quota.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What group commit promises beyond the shared contract: one transaction serves many users,
 * each caller of a batch gets its own answer, batches in flight never deadlock, and a batch
 * whose transaction dies leaves nothing behind.
 */
class GroupCommitChatPathTest {

    @RegisterExtension
    final FreshDatabase db = new FreshDatabase();

    private static final Instant NOON = Instant.parse("2026-07-01T12:00:00Z");
    private static final LocalDate DAY = LocalDate.of(2026, 7, 1);

    private final ExecutorService callers = Executors.newCachedThreadPool();

    @AfterEach
    void stopCallers() {
        callers.shutdownNow();
    }

    private static ChatRequest request(UserKey user, String requestId) {
        return new ChatRequest(user, 1, requestId, true, NOON);
    }

    /** Holds {@code user}'s counter row locked until rolled back: the one slot's message waits on it. */
    private Handle lockCounter(UserKey user) {
        db.jdbi().useHandle(h -> h.execute("INSERT INTO user_daily_quota_usages (user_id, quota_date, used_count) VALUES (?, ?, 0)",
                user, DAY));
        Handle blocker = db.jdbi().open();
        blocker.begin();
        blocker.createQuery("SELECT used_count FROM user_daily_quota_usages WHERE user_id = :u FOR UPDATE")
                .bind("u", user).mapTo(Integer.class).one();
        return blocker;
    }

    /** The only slot of {@code path}, taken by {@code holding}, a message that waits on {@code user}'s locked counter. */
    private HeldSlot holdTheOnlySlot(GroupCommitChatPath path, UserKey user, ChatRequest holding) throws InterruptedException {
        Handle blocker = lockCounter(user);
        Future<ChatOutcome> holder = callers.submit(() -> path.accept(holding));
        awaitTrue(() -> ourBackends("wait_event_type = 'Lock'") == 1);
        return new HeldSlot(blocker, holder);
    }

    private record HeldSlot(Handle blocker, Future<ChatOutcome> holder) {
        /** Unlocks the counter: the holder's message goes through, and the slot takes what queued behind it. */
        void release() {
            blocker.rollback();
            blocker.close();
        }
    }

    /** Sends {@code requests} from their own threads, one after another once the previous is queued. */
    private List<Future<ChatOutcome>> queue(GroupCommitChatPath path, List<ChatRequest> requests) throws InterruptedException {
        List<Future<ChatOutcome>> answers = new ArrayList<>();
        for (ChatRequest each : requests) {
            answers.add(callers.submit(() -> path.accept(each)));
            int expected = answers.size();
            awaitTrue(() -> path.queued() == expected);
        }
        return answers;
    }

    /** Backends of the path's pool in this test's database that satisfy {@code condition} (a constant of this test). */
    private int ourBackends(String condition) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM pg_stat_activity WHERE " + condition
                + " AND application_name = 'quota' AND datname = current_database()").mapTo(Integer.class).one());
    }

    private static void awaitTrue(BooleanSupplier condition) {
        Await.until("the path's state", condition);
    }

    @Test
    void givenOneSlotBusy_whenCallersOfManyUsersQueue_thenOneTransactionAnswersEachOfThemOnItsOwn() throws Exception {
        UserKey slotHolder = db.fixtures().subscribedUser(10);
        UserKey withRoom = db.fixtures().subscribedUser(10);
        UserKey atLimit = db.fixtures().subscribedUser(1);
        UserKey unsubscribed = db.fixtures().unsubscribedUser("nobody-pays@example.com");
        UserKey unknown = UserKey.of(987_654_321L);
        try (GroupCommitChatPath path = new GroupCommitChatPath(db.jdbi(), 128, 1, Duration.ZERO)) {
            assertThat(path.accept(request(atLimit, "fills-the-day"))).isInstanceOf(ChatOutcome.Accepted.class);
            assertThat(path.accept(request(withRoom, "committed-before"))).isInstanceOf(ChatOutcome.Accepted.class);
            long transactionsBefore = path.transactions();
            HeldSlot slot = holdTheOnlySlot(path, slotHolder, request(slotHolder, "holder"));

            List<ChatRequest> queued = List.of(request(withRoom, "room-1"), request(atLimit, "over"), request(unknown, "ghost"),
                    request(unsubscribed, "unpaid"), request(withRoom, "room-1"), request(withRoom, "committed-before"),
                    request(withRoom, "room-2"));
            List<Future<ChatOutcome>> answers = queue(path, queued);
            slot.release();

            assertThat(slot.holder().get(10, TimeUnit.SECONDS)).isInstanceOf(ChatOutcome.Accepted.class);
            assertThat(answers.get(0).get(10, TimeUnit.SECONDS)).isInstanceOf(ChatOutcome.Accepted.class);
            assertThat(answers.get(1).get(10, TimeUnit.SECONDS)).isInstanceOfSatisfying(ChatOutcome.Refused.class,
                    refused -> assertThat(refused.status().consumed()).isEqualTo(1));
            assertFailsWith(answers.get(2), ErrorCode.USER_NOT_FOUND);
            assertFailsWith(answers.get(3), ErrorCode.NO_ACTIVE_SUBSCRIPTION);
            assertThat(answers.get(4).get(10, TimeUnit.SECONDS)).as("the same id twice in a batch").isEqualTo(ChatOutcome.REPLAYED);
            assertThat(answers.get(5).get(10, TimeUnit.SECONDS)).as("an id committed before").isEqualTo(ChatOutcome.REPLAYED);
            assertThat(answers.get(6).get(10, TimeUnit.SECONDS)).isInstanceOfSatisfying(ChatOutcome.Accepted.class,
                    accepted -> assertThat(accepted.status().consumed()).isEqualTo(3));
            assertThat(path.transactions() - transactionsBefore).as("the holder's, then one batch for the seven").isEqualTo(2);
        }
        assertThat(db.fixtures().usedCount(withRoom, DAY)).isEqualTo(3);
        assertThat(db.fixtures().messageCount(withRoom, DAY)).isEqualTo(3);
        assertThat(db.fixtures().usedCount(atLimit, DAY)).isEqualTo(1);
        assertThat(db.fixtures().usedCount(unsubscribed, DAY)).isZero();
        assertThat(QuotaInvariants.check(db.jdbi()).holds()).isTrue();
    }

    @Test
    void givenFreshRequestIds_whenSomeUsersOfTheBatchDoNotFit_thenTheOthersAreChargedAtOnceAndTheseOneMessageAtATime() throws Exception {
        UserKey slotHolder = db.fixtures().subscribedUser(10);
        UserKey withRoom = db.fixtures().subscribedUser(10);
        UserKey nearLimit = db.fixtures().subscribedUser(3);
        UserKey newDayTinyLimit = db.fixtures().subscribedUser(1);
        UserKey unsubscribed = db.fixtures().unsubscribedUser("fresh-unpaid@example.com");
        try (GroupCommitChatPath path = new GroupCommitChatPath(db.jdbi(), 128, 1, Duration.ZERO)) {
            path.accept(fresh(nearLimit, "near-1"));
            path.accept(fresh(nearLimit, "near-2"));
            HeldSlot slot = holdTheOnlySlot(path, slotHolder, fresh(slotHolder, "fresh-holder"));

            List<ChatRequest> queued = List.of(fresh(withRoom, "f-room-1"), fresh(nearLimit, "f-near-3"), fresh(newDayTinyLimit, "f-tiny-1"),
                    fresh(unsubscribed, "f-unpaid"), fresh(nearLimit, "f-near-4"), fresh(newDayTinyLimit, "f-tiny-2"), fresh(withRoom, "f-room-2"));
            List<Future<ChatOutcome>> answers = queue(path, queued);
            slot.release();

            assertThat(slot.holder().get(10, TimeUnit.SECONDS)).isInstanceOf(ChatOutcome.Accepted.class);
            assertThat(answers.get(0).get(10, TimeUnit.SECONDS)).isInstanceOf(ChatOutcome.Accepted.class);
            assertThat(answers.get(1).get(10, TimeUnit.SECONDS)).as("the last unit of the day").isInstanceOfSatisfying(
                    ChatOutcome.Accepted.class, accepted -> assertThat(accepted.status().consumed()).isEqualTo(3));
            assertThat(answers.get(2).get(10, TimeUnit.SECONDS)).isInstanceOf(ChatOutcome.Accepted.class);
            assertFailsWith(answers.get(3), ErrorCode.NO_ACTIVE_SUBSCRIPTION);
            assertThat(answers.get(4).get(10, TimeUnit.SECONDS)).isInstanceOf(ChatOutcome.Refused.class);
            assertThat(answers.get(5).get(10, TimeUnit.SECONDS)).isInstanceOf(ChatOutcome.Refused.class);
            assertThat(answers.get(6).get(10, TimeUnit.SECONDS)).isInstanceOfSatisfying(ChatOutcome.Accepted.class,
                    accepted -> assertThat(accepted.status().consumed()).isEqualTo(2));
        }
        assertThat(db.fixtures().usedCount(withRoom, DAY)).isEqualTo(2);
        assertThat(db.fixtures().usedCount(nearLimit, DAY)).isEqualTo(3);
        assertThat(db.fixtures().usedCount(newDayTinyLimit, DAY)).isEqualTo(1);
        assertThat(db.fixtures().messageCount(newDayTinyLimit, DAY)).isEqualTo(1);
        assertThat(QuotaInvariants.check(db.jdbi()).holds()).isTrue();
    }

    /** A request whose id was generated for the call: no replay lookup, so the batch may go in one statement. */
    private static ChatRequest fresh(UserKey user, String requestId) {
        return new ChatRequest(user, 1, requestId, false, NOON);
    }

    private static void assertFailsWith(Future<ChatOutcome> answer, ErrorCode code) {
        // as the service's edge translates it
        assertThatThrownBy(() -> answer.get(10, TimeUnit.SECONDS)).cause()
                .satisfies(failure -> assertThat(SqlStates.translate(failure).code()).isEqualTo(code));
    }

    @Test
    void givenNoConcurrency_whenConsuming_thenEachMessageGoesAtOnceInItsOwnTransaction() {
        UserKey user = db.fixtures().subscribedUser(100);
        try (GroupCommitChatPath path = new GroupCommitChatPath(db.jdbi())) {
            for (int i = 0; i < 20; i++) {
                assertThat(path.accept(request(user, "alone-" + i))).isInstanceOf(ChatOutcome.Accepted.class);
            }
            assertThat(path.transactions()).isEqualTo(20);
            assertThat(path.queued()).isZero();
        }
    }

    @Test
    void givenManyUsersAndSeveralPathsWithBatchesInFlight_whenConsuming_thenNoDeadlockAndEveryCounterMatchesItsMessages() {
        int users = 300;
        UserKey[] ids = new UserKey[users];
        for (int i = 0; i < users; i++) {
            ids[i] = db.fixtures().subscribedUser(20);
        }
        long deadlocksBefore = deadlocks();
        // three "processes" with four transactions in flight each, over overlapping users
        List<GroupCommitChatPath> paths = List.of(new GroupCommitChatPath(db.jdbi(), 16, 4, Duration.ZERO),
                new GroupCommitChatPath(db.jdbi(), 16, 4, Duration.ZERO), new GroupCommitChatPath(db.jdbi(), 16, 4, Duration.ZERO));
        MutableClock clock = new MutableClock(NOON);
        List<ChatService> services = paths.stream().map(p -> new ChatService(db.jdbi(), p, clock)).toList();
        try {
            UserKey[][] plan = new UserKey[24][200];
            Random random = new Random(20261125L);
            for (UserKey[] row : plan) {
                for (int a = 0; a < row.length; a++) {
                    row[a] = ids[random.nextInt(users)];
                }
            }

            ConcurrentCalls.Outcomes outcomes = ConcurrentCalls.run(24, 200,
                    (t, a) -> services.get(t % 3).acceptMessage(String.valueOf(plan[t][a]), null));

            assertThat(outcomes.unexpected).isEmpty();
            assertThat(outcomes.errors.keySet()).isSubsetOf(ErrorCode.QUOTA_EXCEEDED);
            long batched = paths.stream().mapToLong(p -> p.served() - p.transactions()).sum();
            assertThat(batched).as("messages that shared a transaction").isPositive();
            assertThat(deadlocks()).as("deadlock_detected").isEqualTo(deadlocksBefore);
            long counted = 0;
            for (UserKey id : ids) {
                counted += db.fixtures().usedCount(id, DAY);
            }
            assertThat(counted).isEqualTo(outcomes.accepted.sum());
            assertThat(QuotaInvariants.check(db.jdbi()).holds()).isTrue();
        } finally {
            paths.forEach(GroupCommitChatPath::close);
        }
    }

    private long deadlocks() {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
                .mapTo(Long.class).one());
    }

    @Test
    void givenABatchWhoseBackendIsKilled_whenItFails_thenNoneOfItIsCommittedAndRetriesSucceed() throws Exception {
        UserKey slotHolder = db.fixtures().subscribedUser(10);
        UserKey[] users = {db.fixtures().subscribedUser(10), db.fixtures().subscribedUser(10), db.fixtures().subscribedUser(10)};
        // the batch's message insert stalls here, after its counters moved: the batch is half done
        db.jdbi().useHandle(h -> h.execute("""
                CREATE FUNCTION stall_doomed() RETURNS trigger LANGUAGE plpgsql AS
                $$ BEGIN IF NEW.request_id LIKE 'doomed-%' THEN PERFORM pg_sleep(20); END IF; RETURN NEW; END $$;
                CREATE TRIGGER stall BEFORE INSERT ON chat_messages FOR EACH ROW EXECUTE FUNCTION stall_doomed();
                """));
        try (GroupCommitChatPath path = new GroupCommitChatPath(db.jdbi(), 128, 1, Duration.ZERO)) {
            HeldSlot slot = holdTheOnlySlot(path, slotHolder, request(slotHolder, "holder"));
            List<Future<ChatOutcome>> answers = queue(path,
                    Arrays.stream(users).map(user -> request(user, "doomed-" + user)).toList());
            slot.release();
            slot.holder().get(10, TimeUnit.SECONDS);
            awaitTrue(() -> ourBackends("wait_event = 'PgSleep'") == 1);

            db.jdbi().useHandle(h -> h.createQuery("""
                    SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                     WHERE wait_event = 'PgSleep' AND application_name = 'quota' AND datname = current_database()""").mapTo(Boolean.class).one());

            for (Future<ChatOutcome> answer : answers) {
                assertFailsWith(answer, ErrorCode.DATABASE_UNAVAILABLE);
            }
            for (UserKey user : users) {
                assertThat(db.fixtures().usedCount(user, DAY)).isZero();
                assertThat(db.fixtures().messageCount(user, DAY)).isZero();
            }
            db.database().evictConnections();
            db.jdbi().useHandle(h -> h.execute("DROP TRIGGER stall ON chat_messages"));
            for (UserKey user : users) {
                assertThat(path.accept(request(user, "doomed-" + user))).isInstanceOf(ChatOutcome.Accepted.class);
                assertThat(db.fixtures().usedCount(user, DAY)).isEqualTo(1);
            }
        }
    }
}
