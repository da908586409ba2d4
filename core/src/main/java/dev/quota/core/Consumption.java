package dev.quota.core;

/**
 * The outcome of an accepted consumption.
 *
 * @param replayed true when the request_id had already been committed: the caller's retry
 *                 got the original outcome back and nothing was charged again
 * @param status   the day's quota after the consumption
 */
public record Consumption(String requestId, int units, boolean replayed, QuotaStatus status) {
}
