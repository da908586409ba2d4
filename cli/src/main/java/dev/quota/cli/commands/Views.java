package dev.quota.cli.commands;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.quota.core.Adjustment;
import dev.quota.core.QuotaStatus;
import dev.quota.core.UserKey;
import dev.quota.core.persistence.AdjustmentRow;
import dev.quota.core.persistence.DayUsage;
import dev.quota.core.persistence.TopUser;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The JSON shapes of the commands' results, as records: {@code Output} writes each once,
 * components in snake_case and in the order declared, instants in ISO-8601 UTC.
 */
final class Views {

    private Views() {
    }

    record Status(UserKey userId, String email, String plan, String date, int planLimit, int granted, int limit,
                  int consumed, int remaining, String resetAt) {
        static Status of(QuotaStatus status) {
            return new Status(status.userId(), status.email(), status.planCode(), status.day().toString(), status.planLimit(),
                    status.granted(), status.limit(), status.consumed(), status.remaining(), status.resetAt().toString());
        }
    }

    record AuditRow(long id, String date, String kind, int requested, int appliedDelta, String reason, String actor,
                    String requestId, String createdAt) {
        static AuditRow of(AdjustmentRow row) {
            return new AuditRow(row.id(), row.quotaDate().toString(), row.kind(), row.requested(), row.appliedDelta(),
                    row.reason(), row.actor(), row.requestId(), row.createdAt().toString());
        }

        static List<AuditRow> of(List<AdjustmentRow> rows) {
            return rows.stream().map(AuditRow::of).toList();
        }
    }

    record Show(@JsonUnwrapped Status status, List<AuditRow> grants) {
    }

    record Consumed(@JsonUnwrapped Status status, int accepted, boolean replayed, String strategy) {
    }

    record Adjusted(Long id, String kind, int requested, int appliedDelta, String reason, String actor, String requestId,
                    boolean dryRun, boolean replayed, Status before, Status after) {
        static Adjusted of(Adjustment adjustment) {
            return new Adjusted(adjustment.dryRun() ? null : adjustment.id(), adjustment.kind().code(), adjustment.requested(),
                    adjustment.appliedDelta(), adjustment.reason(), adjustment.actor(), adjustment.requestId(),
                    adjustment.dryRun(), adjustment.replayed(), Status.of(adjustment.before()), Status.of(adjustment.after()));
        }
    }

    record Day(String date, int consumed, int messages, int granted) {
        static Day of(DayUsage day) {
            return new Day(day.quotaDate().toString(), day.usedCount(), day.messages(), day.granted());
        }
    }

    record History(String user, String from, String to, List<Day> days, List<AuditRow> adjustments) {
    }

    record TopRow(UserKey userId, String email, String plan, Integer limit, int consumed, Integer remaining, boolean exhausted) {
        static TopRow of(TopUser user) {
            return new TopRow(user.userId(), user.email(), user.planCode(), user.limit(), user.usedCount(),
                    user.limit() == null ? null : Math.max(0, user.limit() - user.usedCount()), user.exhausted());
        }
    }

    record Top(String date, boolean exhaustedOnly, List<TopRow> users) {
    }

    /** "in 3h 58m" from now until then; "passed" when it has (a past day's reset). */
    static String until(Instant now, Instant then) {
        Duration left = Duration.between(now, then);
        if (left.isNegative() || left.isZero()) {
            return "passed";
        }
        return "in " + left(left);
    }

    private static String left(Duration left) {
        long days = left.toDays();
        if (days > 0) {
            return days + "d " + left.toHoursPart() + "h";
        }
        return left.toHours() > 0 ? left.toHours() + "h " + left.toMinutesPart() + "m" : left.toMinutesPart() + "m " + left.toSecondsPart() + "s";
    }
}
