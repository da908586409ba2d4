package dev.quota.reconciler;

import java.time.LocalDate;
import java.util.List;

/** One drifting (user, day) as recorded by a run. */
public record Finding(long userId, LocalDate quotaDate, Integer usedCount, int expected, int messages,
                      Integer effectiveLimit, int drift, List<String> kinds, boolean repaired) {

    /** Its JSON shape, in the report file and in {@code quota reconcile -o json}: dates as ISO text, the limit as {@code limit}. */
    public record Row(long userId, String quotaDate, Integer usedCount, int expected, int messages, Integer limit, int drift,
                      List<String> kinds, boolean repaired) {
        public static Row of(Finding f) {
            return new Row(f.userId(), f.quotaDate().toString(), f.usedCount(), f.expected(), f.messages(), f.effectiveLimit(),
                    f.drift(), f.kinds(), f.repaired());
        }
    }
}
