package dev.quota.core.strategy;

/**
 * The seam of the chat path: accept a chat message, that is, consume its units and store it
 * in one commit, or refuse it, or recognise it as a retry of a request already committed.
 * Every strategy is one of these implementations: a transaction per message around the
 * strategy's {@link CounterStep} ({@link PerMessageChatPath}), the atomic strategy's single
 * statement ({@link OneStatementChatPath}), group commit per counter ({@link CoalescingChatPath})
 * or across users ({@link GroupCommitChatPath}), or the SQL API's function ({@link SqlFunctionChatPath}).
 * The shared contract suite holds each of them to the same promises, holds included.
 *
 * <p>A path may own threads or other resources: whoever opens it ({@link Strategies#open})
 * closes it.
 */
public interface ChatPath extends AutoCloseable {

    /** The strategy's name, as users select it ({@code --strategy}). */
    String name();

    /**
     * Accepts, refuses or answers as a replay. A user who does not exist or has no active
     * subscription is a {@code QuotaException}; a database failure comes out as Jdbi's, for
     * the caller's edge to translate, and leaves nothing of the request committed.
     */
    ChatOutcome accept(ChatRequest request);

    /**
     * Reserve, settle and release on this path, for a reply written after the message was
     * admitted ({@link ReplyHolds}); what the path admits with {@link #accept} counts the units held.
     */
    ReplyHolds holds();

    /** Whether the path runs on a Citus coordinator ({@link Strategies#ON_CITUS}). */
    default boolean runsOnCitus() {
        return Strategies.ON_CITUS.contains(name());
    }

    @Override
    default void close() {
    }
}
