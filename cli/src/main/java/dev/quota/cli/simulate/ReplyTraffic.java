package dev.quota.cli.simulate;

import dev.quota.core.AdjustmentKind;
import dev.quota.core.AdjustmentRequest;
import dev.quota.core.persistence.HoldDao;
import dev.quota.core.service.AdjustmentService;
import dev.quota.core.service.ChatService;
import dev.quota.core.ErrorCode;
import dev.quota.core.QuotaException;
import dev.quota.core.service.ReplyHold;
import dev.quota.core.UserKey;
import dev.quota.core.persistence.HoldFunctions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * A simulated caller's message when its reply takes time ({@link ReplySettings}): held and
 * then settled or released, or consumed and then refunded, each reply delivered, failed, or
 * cut short by its caller's death. It counts the refusals given while the user's capacity
 * was taken only by failed replies: held until released, or until the hold expires when the
 * caller died; consumed until refunded, or for the rest of the day when the refund died with
 * its caller. With holds, a sampler reads {@code quota.status} throughout and the end check
 * waits out the TTL: consumed + held never above the limit, nothing held once the TTL passed.
 */
final class ReplyTraffic implements AutoCloseable {

    private enum Fate { DELIVERED, FAILED, KILLED }

    private final ChatService chat;
    private final AdjustmentService adjustments;
    private final ReplySettings settings;
    private final AtomicIntegerArray failedInFlight;
    private final AtomicIntegerArray killedForTheDay;
    private final List<ConcurrentLinkedQueue<Long>> killedHoldsUntil = new ArrayList<>();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder killed = new LongAdder();
    private final LongAdder lateSettles = new LongAdder();
    private final LongAdder refusedForFailedReplies = new LongAdder();
    private final Sampler sampler;

    ReplyTraffic(ChatService chat, AdjustmentService adjustments, ReplySettings settings, Jdbi jdbi, UserKey[] users) {
        this.chat = chat;
        this.adjustments = adjustments;
        this.settings = settings;
        this.failedInFlight = new AtomicIntegerArray(users.length);
        this.killedForTheDay = new AtomicIntegerArray(users.length);
        for (int u = 0; u < users.length; u++) {
            killedHoldsUntil.add(new ConcurrentLinkedQueue<>());
        }
        this.sampler = settings.mode() == ReplyMode.hold ? new Sampler(jdbi, users) : null;
    }

    /** Sends one message and its reply; a refusal leaves as {@code quota_exceeded}, as from the chat path. */
    void send(int user, UserKey key, String requestId, SplittableRandom random) {
        int roll = random.nextInt(100);
        Fate fate = roll < settings.failurePercent() ? Fate.FAILED
                : roll < settings.failurePercent() + settings.killedPercent() ? Fate.KILLED : Fate.DELIVERED;
        long replyNanos = settings.latency().isZero() ? 0 : random.nextLong(2 * settings.latency().toNanos() + 1);
        try {
            switch (settings.mode()) {
                case none -> chat.acceptMessage(key.toString(), requestId);
                case hold -> hold(user, key, requestId, fate, replyNanos);
                case refund -> refund(user, key, requestId, fate, replyNanos);
            }
        } catch (QuotaException e) {
            if (e.code() == ErrorCode.QUOTA_EXCEEDED && takenByFailedReplies(user) > 0) {
                refusedForFailedReplies.increment();
            }
            throw e;
        }
    }

    private void hold(int user, UserKey key, String requestId, Fate fate, long replyNanos) {
        ReplyHold hold = chat.reserve(key.toString(), 1, requestId, settings.ttl());
        if (fate == Fate.KILLED) {
            killedHoldsUntil.get(user).add(System.nanoTime() + settings.ttl().toNanos());
            killed.increment();
            return; // no settle, no release: the hold stops counting at its expiry
        }
        if (fate == Fate.FAILED) {
            failedInFlight.incrementAndGet(user);
        }
        LockSupport.parkNanos(replyNanos);
        if (fate == Fate.FAILED) {
            chat.release(hold);
            failedInFlight.decrementAndGet(user);
            failed.increment();
            return;
        }
        HoldFunctions.Settled settled;
        try {
            settled = chat.settle(hold, 1);
        } catch (QuotaException e) {
            chat.release(hold); // the settle's transaction died (--chaos): nothing of it committed
            throw e;
        }
        if (!settled.settled()) {
            // the reply outlived its hold: charged now if the day still has room, as docs/sql-api.md says
            lateSettles.increment();
            chat.acceptMessage(key.toString(), requestId);
        }
        delivered.increment();
    }

    private void refund(int user, UserKey key, String requestId, Fate fate, long replyNanos) {
        chat.acceptMessage(key.toString(), requestId);
        if (fate == Fate.KILLED) {
            killedForTheDay.incrementAndGet(user);
            killed.increment();
            return; // the refund dies with its caller: the unit stays charged for the day
        }
        if (fate == Fate.FAILED) {
            failedInFlight.incrementAndGet(user);
        }
        LockSupport.parkNanos(replyNanos);
        if (fate == Fate.FAILED) {
            adjustments.adjust(AdjustmentRequest.of(AdjustmentKind.REFUND, key.toString(), 1, "reply failed", "simulate")
                    .withRequestId("refund-" + requestId));
            failedInFlight.decrementAndGet(user);
            failed.increment();
            return;
        }
        delivered.increment();
    }

    /** Units of the user's day that only failed replies take now. */
    private int takenByFailedReplies(int user) {
        long now = System.nanoTime();
        ConcurrentLinkedQueue<Long> holds = killedHoldsUntil.get(user);
        holds.removeIf(until -> until - now <= 0);
        return failedInFlight.get(user) + killedForTheDay.get(user) + holds.size();
    }

    /**
     * After the last caller: with holds, waits until the last hold's TTL has passed and says
     * what breaks the holds' promises (consumed + held above the limit at a reading, units
     * still held after the TTL).
     */
    List<String> finish(Jdbi jdbi) {
        List<String> problems = new ArrayList<>();
        if (sampler == null) {
            return problems;
        }
        sampler.stop();
        if (sampler.aboveLimit.sum() > 0) {
            problems.add(sampler.aboveLimit.sum() + " reading(s) of quota.status with consumed + held above the limit, first: "
                    + sampler.first);
        }
        long deadline = System.nanoTime() + settings.ttl().plusSeconds(10).toNanos();
        long held;
        while ((held = heldUnits(jdbi)) > 0 && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
        if (held > 0) {
            problems.add(held + " unit(s) still held " + settings.ttl().plusSeconds(10).toSeconds() + " s after the last hold was taken");
        }
        return problems;
    }

    private static long heldUnits(Jdbi jdbi) {
        return jdbi.withHandle(handle -> handle.attach(HoldDao.class).unitsHeldNow());
    }

    ReplyTally tally() {
        return new ReplyTally(settings.mode(), delivered.sum(), failed.sum(), killed.sum(), lateSettles.sum(), refusedForFailedReplies.sum(),
                sampler == null ? 0 : sampler.readings.sum(), sampler == null ? 0 : sampler.aboveLimit.sum());
    }

    @Override
    public void close() {
        if (sampler != null) {
            sampler.stop();
        }
    }

    /** Reads every user's {@code quota.status} in turn, on a connection of its own, until stopped. */
    private static final class Sampler {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final LongAdder readings = new LongAdder();
        private final LongAdder aboveLimit = new LongAdder();
        private final Thread thread;
        private volatile String first;

        Sampler(Jdbi jdbi, UserKey[] users) {
            thread = new Thread(() -> {
                while (running.get()) {
                    try {
                        jdbi.useHandle(handle -> read(handle, users));
                    } catch (RuntimeException e) {
                        // its backend was terminated (--chaos): read on with a new connection
                    }
                }
            }, "quota-status-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        // consumed is read before held, so a settle between the two can only make the sum look smaller
        private void read(Handle handle, UserKey[] users) {
            while (running.get()) {
                for (UserKey user : users) {
                    int[] row = handle.createQuery("SELECT daily_limit, consumed, held FROM status(:user)").bind("user", user)
                            .map((rs, ctx) -> new int[] {rs.getInt(1), rs.getInt(2), rs.getInt(3)}).one();
                    readings.increment();
                    if (row[1] + row[2] > row[0]) {
                        aboveLimit.increment();
                        if (first == null) {
                            first = "user " + user + ": limit " + row[0] + ", consumed " + row[1] + ", held " + row[2];
                        }
                    }
                }
            }
        }

        void stop() {
            running.set(false);
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
