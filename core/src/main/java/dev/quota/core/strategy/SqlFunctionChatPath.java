package dev.quota.core.strategy;

import dev.quota.core.ErrorCode;
import dev.quota.core.QuotaException;
import dev.quota.core.QuotaStatus;
import dev.quota.core.UserKey;
import dev.quota.core.db.CitusDistribution;
import dev.quota.core.persistence.ConsumeFunctionStatement;
import java.util.Objects;
import org.jdbi.v3.core.Jdbi;

/**
 * The chat path through {@code quota.consume}, the SQL function a backend in any language
 * calls in its own transaction (docs/sql-api.md). Here so that the contract suite, the
 * simulator and the bench prove the function by the same promises as the Java strategies.
 */
public final class SqlFunctionChatPath implements ChatPath {

    public static final String NAME = "sql-function";

    private final Jdbi jdbi;
    private final ReplyHolds holds;
    /** On a Citus coordinator the function and the messages' insert are statements of their own ({@link ConsumeFunctionStatement#runInSteps}). */
    private final boolean citusForm;

    public SqlFunctionChatPath(Jdbi jdbi) {
        this(jdbi, jdbi.withHandle(CitusDistribution::isCoordinator));
    }

    private SqlFunctionChatPath(Jdbi jdbi, boolean citusForm) {
        this.jdbi = Objects.requireNonNull(jdbi);
        this.holds = new ReplyHolds(jdbi, citusForm);
        this.citusForm = citusForm;
    }

    /**
     * The form a Citus coordinator runs, as a backend there calls the function: the function,
     * then the messages, then the plan, each its own statement in the one transaction. Its
     * statements run on one PostgreSQL as well: the contract suite holds it to the same
     * promises without a cluster.
     */
    public static SqlFunctionChatPath citusForm(Jdbi jdbi) {
        return new SqlFunctionChatPath(jdbi, true);
    }

    @Override
    public ReplyHolds holds() {
        return holds;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ChatOutcome accept(ChatRequest request) {
        UserKey userId = request.userId();
        return jdbi.inTransaction(handle -> {
            ConsumeFunctionStatement.Row row = citusForm
                    ? ConsumeFunctionStatement.runInSteps(handle, userId, request.units(), request.requestIds(), request.sentAt())
                    : ConsumeFunctionStatement.run(handle, userId, request.units(), request.requestIds(), request.sentAt());
            if (row.code() != null && !row.code().equals(ErrorCode.QUOTA_EXCEEDED.code())) {
                throw row.code().equals(ErrorCode.USER_NOT_FOUND.code())
                        ? QuotaException.userNotFound(userId)
                        : QuotaException.noActiveSubscription(userId, userId);
            }
            if (row.replayed() || (row.accepted() && row.stored() != request.units())) {
                // charged before (by this function, or its messages stored by another path): nothing now
                handle.rollback();
                return ChatOutcome.REPLAYED;
            }
            QuotaStatus status = QuotaStatus.of(userId, row.email(), request.day(), row.planCode(), row.planLimit(),
                    row.dailyLimit() - row.planLimit(), row.dailyLimit(), row.consumed());
            return row.accepted()
                    ? new ChatOutcome.Accepted(status)
                    : ChatOutcome.refusedUnlessCommitted(handle, request, () -> status);
        });
    }
}
