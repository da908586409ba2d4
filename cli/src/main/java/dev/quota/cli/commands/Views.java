package dev.quota.cli.commands;

import dev.quota.core.Adjustment;
import dev.quota.core.QuotaStatus;
import dev.quota.core.persistence.AdjustmentRow;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON shapes of the toolkit's results: snake_case keys, ISO-8601 UTC instants. */
final class Views {

    private Views() {
    }

    static Map<String, Object> status(QuotaStatus status) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("user_id", status.userId());
        view.put("email", status.email());
        view.put("plan", status.planCode());
        view.put("date", status.day().toString());
        view.put("plan_limit", status.planLimit());
        view.put("granted", status.granted());
        view.put("limit", status.limit());
        view.put("consumed", status.consumed());
        view.put("remaining", status.remaining());
        view.put("reset_at", status.resetAt().toString());
        return view;
    }

    static Map<String, Object> adjustment(AdjustmentRow row) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", row.id());
        view.put("date", row.quotaDate().toString());
        view.put("kind", row.kind());
        view.put("requested", row.requested());
        view.put("applied_delta", row.appliedDelta());
        view.put("reason", row.reason());
        view.put("actor", row.actor());
        view.put("request_id", row.requestId());
        view.put("created_at", row.createdAt().toString());
        return view;
    }

    static Map<String, Object> adjustment(Adjustment adjustment) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", adjustment.dryRun() ? null : adjustment.id());
        view.put("kind", adjustment.kind().code());
        view.put("requested", adjustment.requested());
        view.put("applied_delta", adjustment.appliedDelta());
        view.put("reason", adjustment.reason());
        view.put("actor", adjustment.actor());
        view.put("request_id", adjustment.requestId());
        view.put("dry_run", adjustment.dryRun());
        view.put("replayed", adjustment.replayed());
        view.put("before", status(adjustment.before()));
        view.put("after", status(adjustment.after()));
        return view;
    }

    /** "3h 58m" from now until then; "now" when it has passed. */
    static String until(Instant now, Instant then) {
        Duration left = Duration.between(now, then);
        if (left.isNegative() || left.isZero()) {
            return "passed";
        }
        long days = left.toDays();
        if (days > 0) {
            return days + "d " + left.toHoursPart() + "h";
        }
        return left.toHours() > 0 ? left.toHours() + "h " + left.toMinutesPart() + "m" : left.toMinutesPart() + "m " + left.toSecondsPart() + "s";
    }
}
