package dev.quota.core.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quota.core.QuotaDay;
import dev.quota.core.UserKey;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The batching paths' scheduling, without a database and without waiting: flushers are run
 * by the test, one at a time, so every interleaving is the one the test writes.
 */
class LaneSchedulerTest {

    private static final QuotaDay DAY = QuotaDay.parse("2026-07-01");

    /** A message: its user and its place in arrival order. */
    private record Message(long user, int order) {
    }

    /** Flushers the test runs by hand; each batch they flush is recorded. */
    private static final class Harness {
        final ArrayDeque<Runnable> flushers = new ArrayDeque<>();
        final List<List<Message>> batches = new ArrayList<>();
        final LaneScheduler<Message> scheduler;

        Harness(int maxBatch, int maxInFlight, boolean acrossLanes) {
            scheduler = new LaneScheduler<>(new LaneScheduler.Settings(maxBatch, maxInFlight, Duration.ZERO, acrossLanes),
                    message -> new CounterKey(UserKey.of(message.user()), DAY), flushers::add, batches::add);
        }

        void send(long user, int order) {
            assertThat(scheduler.enqueue(new Message(user, order))).isTrue();
        }

        /** Runs the oldest flusher to its end: its batch, then every batch still ready. */
        void runFlusher() {
            flushers.poll().run();
        }
    }

    private static CounterKey key(long user) {
        return new CounterKey(UserKey.of(user), DAY);
    }

    @Test
    void givenEveryCounterIdleAndASlotFree_whenAMessageComes_thenItRunsAloneOnItsCallersThread() {
        Harness harness = new Harness(128, 2, true);

        assertThat(harness.scheduler.tryRunAlone(key(1))).isTrue();
        assertThat(harness.scheduler.tryRunAlone(key(1))).as("its counter is busy").isFalse();
        assertThat(harness.scheduler.tryRunAlone(key(2))).isTrue();
        assertThat(harness.scheduler.tryRunAlone(key(3))).as("both slots are taken").isFalse();
    }

    @Test
    void givenEverySlotBusy_whenMessagesOfSeveralUsersQueue_thenTheNextBatchTakesWholeLanesInArrivalOrder() {
        Harness harness = new Harness(4, 1, true);
        harness.scheduler.tryRunAlone(key(9));
        harness.send(1, 0);
        harness.send(2, 1);
        harness.send(1, 2);
        harness.send(3, 3);
        harness.send(3, 4);

        harness.scheduler.doneAlone(key(9));
        harness.runFlusher();

        assertThat(harness.batches).containsExactly(
                List.of(new Message(1, 0), new Message(1, 2), new Message(2, 1), new Message(3, 3)),
                List.of(new Message(3, 4)));
    }

    @Test
    void givenACounterInABatch_whenMoreOfItsMessagesQueue_thenTheyWaitForThatBatchAndKeepTheirOrder() {
        Harness harness = new Harness(128, 2, true);
        harness.send(1, 0);
        Runnable first = harness.flushers.poll();
        harness.send(1, 1);
        harness.send(1, 2);

        assertThat(harness.flushers).as("no second batch while the counter is in the first").isEmpty();
        first.run();

        assertThat(harness.batches).containsExactly(List.of(new Message(1, 0)), List.of(new Message(1, 1), new Message(1, 2)));
    }

    @Test
    void givenOneLaneABatch_whenSeveralUsersQueue_thenEachBatchHoldsOneCounterAndEachRunsAtOnce() {
        Harness harness = new Harness(128, Integer.MAX_VALUE, false);
        harness.send(1, 0);
        harness.send(2, 1);
        harness.send(1, 2);

        assertThat(harness.flushers).as("a flusher per lane").hasSize(2);
        while (!harness.flushers.isEmpty()) {
            harness.runFlusher();
        }

        // user 1's second message waited for its first batch, then its flusher took it
        assertThat(harness.batches).containsExactly(List.of(new Message(1, 0)), List.of(new Message(1, 2)), List.of(new Message(2, 1)));
    }

    @Test
    void givenMoreQueuedThanABatch_whenFlushed_thenBatchesOfAtMostMaxBatch() {
        Harness harness = new Harness(2, 1, true);
        harness.scheduler.tryRunAlone(key(9));
        for (int i = 0; i < 5; i++) {
            harness.send(1, i);
        }
        harness.scheduler.doneAlone(key(9));

        harness.runFlusher();

        assertThat(harness.batches).extracting(List::size).containsExactly(2, 2, 1);
    }

    @Test
    void givenQueuedMessages_whenClosed_thenTheyAreHandedBackAndNothingMoreIsTaken() {
        Harness harness = new Harness(128, 1, true);
        harness.scheduler.tryRunAlone(key(9));
        harness.send(1, 0);
        harness.send(2, 1);

        List<Message> stranded = harness.scheduler.close();
        harness.scheduler.doneAlone(key(9));

        assertThat(stranded).containsExactlyInAnyOrder(new Message(1, 0), new Message(2, 1));
        assertThat(harness.flushers).isEmpty();
        assertThat(harness.scheduler.enqueue(new Message(3, 2))).isFalse();
        assertThat(harness.scheduler.tryRunAlone(key(4))).isFalse();
    }
}
