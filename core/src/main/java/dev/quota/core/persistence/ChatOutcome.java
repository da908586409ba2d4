package dev.quota.core.persistence;

/**
 * What the one-statement chat path did.
 *
 * @param consumedBefore the counter as the statement found it (0 without a row)
 * @param usedAfter      the counter after the consumption, or null when the limit refused it
 * @param stored         messages inserted; fewer than asked means the request_id was already committed
 */
public record ChatOutcome(long userId, String email, String planCode, int planLimit, int granted, int consumedBefore,
                          Integer usedAfter, int stored) {

    public boolean accepted() {
        return usedAfter != null;
    }
}
