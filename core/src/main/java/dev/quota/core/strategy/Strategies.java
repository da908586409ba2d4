package dev.quota.core.strategy;

import dev.quota.core.QuotaException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.jdbi.v3.core.Jdbi;

/** The catalogue of strategies, selected by name everywhere (CLI, simulator, bench). */
public final class Strategies {

    public static final String DEFAULT = AtomicStrategy.NAME;

    /** Every selectable name, the default first. */
    public static final List<String> NAMES = List.of(
            AtomicStrategy.NAME,
            RowLockStrategy.NAME,
            OptimisticStrategy.NAME,
            AdvisoryLockStrategy.NAME,
            SerializableStrategy.NAME,
            CoalescingChatPath.NAME,
            GroupCommitChatPath.NAME,
            SqlFunctionChatPath.NAME);

    /**
     * The strategies that run on a Citus coordinator (docs/scaling.md), each in a form of its
     * own there, chosen when it opens: the others' statements take forms Citus refuses.
     */
    public static final List<String> ON_CITUS = List.of(AtomicStrategy.NAME, GroupCommitChatPath.NAME, SqlFunctionChatPath.NAME);

    private Strategies() {
    }

    /** Opens the chat path of the named strategy on {@code jdbi}; the caller closes it. */
    public static ChatPath open(String name, Jdbi jdbi) {
        return open(name, jdbi, RetryPolicy.DEFAULT);
    }

    public static ChatPath open(String name, Jdbi jdbi, RetryPolicy retries) {
        String key = canonical(name);
        return switch (key) {
            case AtomicStrategy.NAME -> new OneStatementChatPath(jdbi);
            case CoalescingChatPath.NAME -> new CoalescingChatPath(jdbi, CoalescingChatPath.DEFAULT_MAX_BATCH, Duration.ZERO);
            case GroupCommitChatPath.NAME -> new GroupCommitChatPath(jdbi);
            case SqlFunctionChatPath.NAME -> new SqlFunctionChatPath(jdbi);
            default -> new PerMessageChatPath(key, jdbi, counterStep(key, retries));
        };
    }

    /**
     * The named strategy's counter step alone, for the counter-only path (a caller's own
     * transaction, as a rate-limit library runs). Group commit has nothing to batch there:
     * {@code coalescing} and {@code group-commit} take the atomic step. {@code sql-function} has none: the function
     * derives the limit itself, in the caller's transaction, which is what it is for.
     */
    public static CounterStep counterStep(String name, RetryPolicy retries) {
        return switch (canonical(name)) {
            case AtomicStrategy.NAME, CoalescingChatPath.NAME, GroupCommitChatPath.NAME -> new AtomicStrategy();
            case RowLockStrategy.NAME -> new RowLockStrategy();
            case OptimisticStrategy.NAME -> new OptimisticStrategy(retries);
            case AdvisoryLockStrategy.NAME -> new AdvisoryLockStrategy();
            case SerializableStrategy.NAME -> new SerializableStrategy(retries);
            case SqlFunctionChatPath.NAME -> throw QuotaException.invalidInput(
                    "sql-function has no counter-only step: quota.consume takes the whole chat path");
            default -> throw unknown(name);
        };
    }

    /** The name as selected, checked: an unknown one is {@code invalid_input} listing the choices. */
    public static String canonical(String name) {
        String key = name == null ? DEFAULT : name.strip().toLowerCase(Locale.ROOT);
        if (!NAMES.contains(key)) {
            throw unknown(name);
        }
        return key;
    }

    private static QuotaException unknown(String name) {
        return QuotaException.invalidInput("unknown strategy '" + name + "' (choose one of " + String.join(", ", NAMES) + ")");
    }
}
