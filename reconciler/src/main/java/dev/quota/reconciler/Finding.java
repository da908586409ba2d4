package dev.quota.reconciler;

import dev.quota.core.UserKey;
import dev.quota.core.drift.CounterRepair;
import java.time.LocalDate;
import java.util.List;

/**
 * One drifting (user, day) as recorded by a run.
 *
 * @param primaryUsedCount what a repair found on the primary's counter under its lock (null: no repair ran)
 * @param primaryExpected  what the primary's own log said the counter must be, and what the repair left
 */
public record Finding(UserKey userId, LocalDate quotaDate, Integer usedCount, int expected, int messages,
                      Integer effectiveLimit, int drift, List<String> kinds, boolean repaired,
                      Integer primaryUsedCount, Integer primaryExpected) {

    /** The scan (a standby behind, or a counter still moving) read other numbers than the primary held; the primary won. */
    public boolean primaryDisagreed() {
        return primaryExpected != null && new CounterRepair.Repaired(primaryUsedCount, primaryExpected).disagreesWith(usedCount, expected);
    }

    /** Its JSON shape, in the report file and in {@code quota reconcile -o json}: dates as ISO text, the limit as {@code limit}. */
    public record Row(UserKey userId, String quotaDate, Integer usedCount, int expected, int messages, Integer limit, int drift,
                      List<String> kinds, boolean repaired, Integer primaryUsedCount, Integer primaryExpected, boolean primaryDisagreed) {
        public static Row of(Finding f) {
            return new Row(f.userId(), f.quotaDate().toString(), f.usedCount(), f.expected(), f.messages(), f.effectiveLimit(),
                    f.drift(), f.kinds(), f.repaired(), f.primaryUsedCount(), f.primaryExpected(), f.primaryDisagreed());
        }
    }
}
