package dev.quota.cli.commands;

import dev.quota.core.service.ReportService;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.quota.core.Adjustment;
import dev.quota.core.QuotaStatus;
import dev.quota.core.UserKey;
import dev.quota.core.persistence.AdjustmentRow;
import dev.quota.core.persistence.DayUsage;
import dev.quota.core.persistence.HoldRow;
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

    /** A day's quota as show gives it: remaining after the units held, and the holds' summary. */
    record Show(@JsonUnwrapped Status status, int held, String firstHoldExpiresAt, List<AuditRow> grants) {
        static Show of(QuotaStatus status, ReportService.Holds holds, List<AdjustmentRow> grants) {
            Status view = Status.of(status);
            return new Show(new Status(view.userId(), view.email(), view.plan(), view.date(), view.planLimit(), view.granted(), view.limit(),
                    view.consumed(), QuotaStatus.remaining(status.limit(), status.consumed(), holds.held()), view.resetAt()), holds.held(),
                    holds.oldestExpiry().map(Object::toString).orElse(null), AuditRow.of(grants));
        }
    }

    record HoldView(String requestId, int units, String state, boolean expired, Integer unitsUsed, Integer chargedUnits, String code,
                    String createdAt, String expiresAt, String finishedAt, String releasedBy, String releaseReason) {
        static HoldView of(HoldRow row) {
            return new HoldView(row.requestId(), row.units(), row.state(), row.expired(), row.unitsUsed(), row.chargedUnits(), row.code(),
                    row.createdAt().toString(), row.expiresAt().toString(), row.finishedAt() == null ? null : row.finishedAt().toString(),
                    row.releasedBy(), row.releaseReason());
        }
    }

    record Holds(UserKey userId, String date, int held, String firstHoldExpiresAt, List<HoldView> holds) {
        static Holds of(ReportService.Holds holds) {
            return new Holds(holds.userId(), holds.day().toString(), holds.held(), holds.oldestExpiry().map(Object::toString).orElse(null),
                    holds.rows().stream().map(HoldView::of).toList());
        }
    }

    /** What a hold's row says beyond its state: who released it by hand, or the code its settle gave. */
    static String holdNote(HoldRow hold) {
        if (hold.releasedBy() != null) {
            return "released by " + hold.releasedBy() + ": " + hold.releaseReason();
        }
        return hold.code() == null ? "" : hold.code();
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

    /** @param holdReleases the holds support released by hand ({@code quota release}), part of the audit trail */
    record History(String user, String from, String to, List<Day> days, List<AuditRow> adjustments, List<HoldView> holdReleases) {
    }

    record TopRow(UserKey userId, String email, String plan, Integer limit, int consumed, Integer remaining, boolean exhausted) {
        static TopRow of(TopUser user) {
            return new TopRow(user.userId(), user.email(), user.planCode(), user.limit(), user.usedCount(),
                    user.limit() == null ? null : QuotaStatus.remaining(user.limit(), user.usedCount(), 0), user.exhausted());
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
