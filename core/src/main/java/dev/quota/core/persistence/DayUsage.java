package dev.quota.core.persistence;

import java.time.LocalDate;

/** One day of a user's history: the counter, the user messages stored that day and the grants. */
public record DayUsage(LocalDate quotaDate, int usedCount, int messages, int granted, boolean counterExists) {
}
