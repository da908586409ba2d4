package dev.quota.cli.simulate;

import dev.quota.core.QuotaException;
import java.time.Duration;

/**
 * The simulated replies: how long one takes (uniform from 0 to twice {@code latency}), how
 * many fail and how many callers die before they settle, release or refund.
 *
 * @param failurePercent replies that fail: the hold is released, or the unit refunded
 * @param killedPercent  callers that die mid-reply: their hold stays until {@code ttl}, their refund never comes
 */
public record ReplySettings(ReplyMode mode, Duration latency, int failurePercent, int killedPercent, Duration ttl) {

    public static final ReplySettings NONE = new ReplySettings(ReplyMode.none, Duration.ZERO, 0, 0, Duration.ofMinutes(5));

    public ReplySettings {
        if (latency.isNegative() || latency.compareTo(Duration.ofMinutes(1)) > 0) {
            throw QuotaException.invalidInput("--reply-latency must be between 0 and 60000 ms, got " + latency.toMillis());
        }
        if (failurePercent < 0 || killedPercent < 0 || failurePercent + killedPercent > 100) {
            throw QuotaException.invalidInput("--reply-failures and --killed-callers must be percentages summing to at most 100, got "
                    + failurePercent + " and " + killedPercent);
        }
        if (ttl.compareTo(Duration.ofMillis(100)) < 0 || ttl.compareTo(Duration.ofDays(1)) > 0) {
            throw QuotaException.invalidInput("--hold-ttl must be between 100 ms and 1 day, got " + ttl.toMillis() + " ms");
        }
        if (mode == ReplyMode.none && (failurePercent > 0 || killedPercent > 0 || !latency.isZero())) {
            throw QuotaException.invalidInput("--reply-latency, --reply-failures and --killed-callers need --replies hold or refund");
        }
    }
}
