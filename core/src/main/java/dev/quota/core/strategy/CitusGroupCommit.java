package dev.quota.core.strategy;

import dev.quota.core.UserKey;
import dev.quota.core.persistence.CitusBatchStatements;
import dev.quota.core.persistence.GroupCommitStatements.DayContext;
import dev.quota.core.persistence.GroupCommitStatements.DayKey;
import dev.quota.core.persistence.GroupCommitStatements.MessageRow;
import dev.quota.core.strategy.BatchDecisions.Counter;
import java.sql.Connection;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Group commit's batch transaction on a Citus coordinator ({@link CitusBatchStatements}):
 * the same decisions as on one server ({@link BatchDecisions}), reached by a statement per
 * step instead of one fused statement, each step for the whole batch: the contexts (one
 * statement per quota day of the batch, usually one), the counters locked in the global
 * order with the units held on their days, the retried request ids looked up, then the
 * counters written and the messages stored. There is no message-alone shortcut: the atomic
 * strategy's one statement guards its upsert with a function Citus refuses there, so a
 * message alone is a batch of one.
 */
final class CitusGroupCommit {

    private CitusGroupCommit() {
    }

    /**
     * One message in a transaction of its own, as a batch of one: a message alone on group
     * commit's path, and every message of {@code atomic}, whose one statement Citus refuses.
     */
    static ChatOutcome acceptAlone(Jdbi jdbi, ChatRequest request) {
        BatchCallers.Pending pending = new BatchCallers.Pending(request);
        BatchCallers.serve(List.of(pending), lookUpEveryId -> jdbi.inTransaction(handle -> serve(handle, List.of(request), lookUpEveryId)));
        return BatchCallers.await(pending.outcome());
    }

    static BatchDecisions serve(Handle handle, List<ChatRequest> requests, boolean lookUpEveryId) {
        handle.execute(CitusBatchStatements.SHARD_AFTER_SHARD);
        Connection connection = handle.getConnection();
        Map<LocalDate, Set<UserKey>> usersByDay = new TreeMap<>();
        List<MessageRow> retried = new ArrayList<>();
        for (ChatRequest request : requests) {
            usersByDay.computeIfAbsent(request.day().date(), day -> new LinkedHashSet<>()).add(request.userId());
            if (lookUpEveryId || request.mayBeRetry()) {
                retried.addAll(BatchDecisions.messagesOf(request));
            }
        }
        List<DayContext> contexts = new ArrayList<>();
        usersByDay.forEach((day, users) -> contexts.addAll(CitusBatchStatements.contexts(connection, day, List.copyOf(users))));
        Map<CounterKey, Counter> counters = GroupCommitChatPath.counters(contexts);
        List<DayKey> subscribed = contexts.stream().filter(row -> row.context().subscribed()).map(DayContext::key).toList();
        if (!subscribed.isEmpty()) {
            CitusBatchStatements.lock(connection, subscribed)
                    .forEach((key, locked) -> counters.get(GroupCommitChatPath.counterKey(key)).startAt(locked.used(), locked.held()));
        }
        Set<String> committed = retried.isEmpty() ? Set.of() : CitusBatchStatements.committed(connection, retried);
        BatchDecisions decided = BatchDecisions.decide(requests, counters, committed);
        List<MessageRow> messages = decided.messages();
        if (!messages.isEmpty() && CitusBatchStatements.commit(connection, decided.writes(), messages).size() != messages.size()) {
            throw new BatchCallers.CommittedElsewhere();
        }
        return decided;
    }
}
