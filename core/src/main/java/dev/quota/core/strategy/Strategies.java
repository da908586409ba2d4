package dev.quota.core.strategy;

import dev.quota.core.QuotaException;
import java.util.List;
import java.util.Locale;

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
            CoalescingStrategy.NAME);

    private Strategies() {
    }

    public static ConsumptionStrategy named(String name) {
        return named(name, RetryPolicy.DEFAULT);
    }

    public static ConsumptionStrategy named(String name, RetryPolicy retries) {
        String key = name == null ? DEFAULT : name.strip().toLowerCase(Locale.ROOT);
        return switch (key) {
            case AtomicStrategy.NAME -> new AtomicStrategy();
            case RowLockStrategy.NAME -> new RowLockStrategy();
            case OptimisticStrategy.NAME -> new OptimisticStrategy(retries);
            case AdvisoryLockStrategy.NAME -> new AdvisoryLockStrategy();
            case SerializableStrategy.NAME -> new SerializableStrategy(retries);
            case CoalescingStrategy.NAME -> new CoalescingStrategy(CoalescingStrategy.DEFAULT_MAX_BATCH, java.time.Duration.ZERO);
            default -> throw QuotaException.invalidInput(
                    "unknown strategy '" + name + "' (choose one of " + String.join(", ", NAMES) + ")");
        };
    }
}
