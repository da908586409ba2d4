package dev.quota.core.strategy;

import dev.quota.core.QuotaException;
import dev.quota.core.QuotaStatus;
import dev.quota.core.persistence.GroupCommitStatements.CounterWrite;
import dev.quota.core.persistence.GroupCommitStatements.MessageRow;
import dev.quota.core.persistence.QuotaContext;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * How the callers of one batch transaction are decided, for both batching paths
 * ({@link CoalescingChatPath}, {@link GroupCommitChatPath}), one caller at a time in arrival
 * order: an unknown user or one without a subscription is that caller's error; a request id
 * committed before, or already charged in this batch, is a replay; otherwise the caller is
 * accepted while its units fit under its counter's limit. Each answer carries its counter's
 * count after the whole batch.
 */
final class BatchDecisions {

    /** One counter's state while its messages are decided. */
    static final class Counter {
        final QuotaContext context;
        final int limit;
        int before;
        int used;
        /** Units held for replies being written on the counter's day, read once it was locked. */
        int held;
        /** All of the batch's messages for it were charged and stored already (group commit's one statement). */
        boolean settled;

        /** Starting from the context's count. */
        Counter(QuotaContext context) {
            this.context = context;
            this.limit = context.subscribed() ? context.dailyLimit() : 0;
            startAt(context.consumed(), 0);
        }

        /** Starts from {@code count} and {@code held}: the counter as this transaction holds it locked, and its day's holds. */
        void startAt(int count, int held) {
            before = count;
            used = count;
            this.held = held;
        }
    }

    private final List<ChatRequest> requests;
    private final Map<CounterKey, Counter> counters;
    /** Per caller: true accepted, false refused, null replayed (or failed, see {@link #errors}). */
    private final Boolean[] accepted;
    private final RuntimeException[] errors;
    private final List<MessageRow> messages = new ArrayList<>();

    private BatchDecisions(List<ChatRequest> requests, Map<CounterKey, Counter> counters) {
        this.requests = requests;
        this.counters = counters;
        this.accepted = new Boolean[requests.size()];
        this.errors = new RuntimeException[requests.size()];
    }

    /** Decides {@code requests} against {@code counters} (every known user's), given the request ids already committed. */
    static BatchDecisions decide(List<ChatRequest> requests, Map<CounterKey, Counter> counters, Set<String> committed) {
        BatchDecisions decisions = new BatchDecisions(requests, counters);
        Set<String> charged = new HashSet<>();
        for (int i = 0; i < requests.size(); i++) {
            ChatRequest request = requests.get(i);
            Counter counter = counters.get(request.counterKey());
            if (counter == null) {
                decisions.errors[i] = QuotaException.userNotFound(request.userId());
            } else if (!counter.context.subscribed()) {
                decisions.errors[i] = QuotaException.noActiveSubscription(request.userId(), request.userId());
            } else if (counter.settled) {
                decisions.accepted[i] = true;
            } else if (committed.contains(request.requestId()) || charged.contains(request.requestId())) {
                decisions.accepted[i] = null;
            } else if (Decision.fits(counter.used, counter.held, request.units(), counter.limit)) {
                counter.used += request.units();
                charged.add(request.requestId());
                decisions.accepted[i] = true;
                decisions.messages.addAll(messagesOf(request));
            } else {
                decisions.accepted[i] = false;
            }
        }
        return decisions;
    }

    /** One row per message of {@code request}: its user, quota day, request id and the instant it was sent. */
    static List<MessageRow> messagesOf(ChatRequest request) {
        return messagesOf(request, request.requestIds());
    }

    /** As {@link #messagesOf(ChatRequest)}, for the request ids given (a settle's, as many as it charged). */
    static List<MessageRow> messagesOf(ChatRequest request, String[] requestIds) {
        // each message keeps the instant its caller sent it: a batch flushed just after midnight still files yesterday's as such
        String at = request.sentAt().atOffset(ZoneOffset.UTC).toString();
        LocalDate day = request.day().date();
        List<MessageRow> rows = new ArrayList<>();
        for (String id : requestIds) {
            rows.add(new MessageRow(request.userId(), day, id, at));
        }
        return rows;
    }

    /** The messages of the callers accepted here, to store. */
    List<MessageRow> messages() {
        return messages;
    }

    /** The counters the callers accepted here moved, with their new counts. */
    List<CounterWrite> writes() {
        List<CounterWrite> writes = new ArrayList<>();
        counters.forEach((key, counter) -> {
            if (!counter.settled && counter.used != counter.before) {
                writes.add(new CounterWrite(key.userId(), key.day().date(), counter.used));
            }
        });
        return writes;
    }

    /** Gives the caller at {@code index} its answer; once the batch has committed. */
    void complete(int index, CompletableFuture<ChatOutcome> outcome) {
        if (errors[index] != null) {
            outcome.completeExceptionally(errors[index]);
            return;
        }
        ChatRequest request = requests.get(index);
        Counter counter = counters.get(request.counterKey());
        QuotaStatus after = counter.context.status(request.day()).withConsumed(counter.used);
        Boolean answer = accepted[index];
        outcome.complete(answer == null ? ChatOutcome.REPLAYED : answer ? new ChatOutcome.Accepted(after) : new ChatOutcome.Refused(after));
    }
}
