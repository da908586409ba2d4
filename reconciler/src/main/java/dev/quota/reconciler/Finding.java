package dev.quota.reconciler;

import java.time.LocalDate;
import java.util.List;

/** One drifting (user, day) as recorded by a run. */
public record Finding(long userId, LocalDate quotaDate, Integer usedCount, int expected, int messages,
                      Integer effectiveLimit, int drift, List<String> kinds, boolean repaired) {
}
