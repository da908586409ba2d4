package dev.quota.cli.commands;

import dev.quota.cli.ExitCodes;
import dev.quota.cli.Invocation;
import dev.quota.cli.Output;
import dev.quota.cli.ReadUrlOption;
import dev.quota.cli.RequestIdOption;
import dev.quota.cli.Session;
import dev.quota.cli.TextTable;
import dev.quota.core.QuotaDay;
import dev.quota.core.QuotaException;
import dev.quota.core.UserKey;
import dev.quota.core.service.ReportService;
import dev.quota.core.persistence.AdjustmentRow;
import dev.quota.core.persistence.DayUsage;
import dev.quota.core.persistence.HoldRow;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "history", mixinStandardHelpOptions = true,
        description = "Show a user's recent days (counter, stored messages, grants) and the trail of adjustments.")
public final class HistoryCommand implements Callable<Integer> {

    private final Invocation invocation;

    HistoryCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Parameters(index = "0", paramLabel = "USER", description = "User id or email")
    String user;

    @Option(names = "--days", paramLabel = "N", defaultValue = "7", description = "How many days back, today included (default: ${DEFAULT-VALUE})")
    int days;

    @Mixin
    RequestIdOption requestId;

    @Mixin
    ReadUrlOption readUrl;

    @Override
    public Integer call() {
        if (days < 1 || days > 366) {
            throw QuotaException.invalidInput("--days must be between 1 and 366, got " + days);
        }
        Session session = invocation.readSession(readUrl);
        ReportService reports = session.reports();
        QuotaDay to = QuotaDay.today(session.clock());
        QuotaDay from = to.minusDays(days - 1L);
        UserKey key = reports.user(user, to);
        List<DayUsage> usage = reports.history(key, from, to);
        List<AdjustmentRow> trail = reports.adjustments(key, from, to);
        List<HoldRow> releases = reports.releasedByHand(key, from, to);
        Output output = invocation.output();
        Views.History view = new Views.History(user, from.toString(), to.toString(), usage.stream().map(Views.Day::of).toList(),
                Views.AuditRow.of(trail), releases.stream().map(Views.HoldView::of).toList());
        output.result(view, invocation::requestId, out -> {
            TextTable table = new TextTable("date", "consumed", "messages", "granted", "");
            for (DayUsage day : usage) {
                table.row(day.quotaDate(), day.usedCount(), day.messages(), day.granted(),
                        day.usedCount() != day.messages() ? output.style("yellow", "counter differs from messages (see adjustments)") : "");
            }
            table.print(out);
            out.println();
            if (trail.isEmpty()) {
                out.println("No adjustments in these " + days + " days.");
            } else {
                TextTable adjustments = new TextTable("created_at", "date", "kind", "requested", "applied", "actor", "reason");
                for (AdjustmentRow row : trail) {
                    adjustments.row(row.createdAt(), row.quotaDate(), row.kind(), row.requested(), row.appliedDelta(), row.actor(), row.reason());
                }
                adjustments.print(out);
            }
            if (!releases.isEmpty()) {
                out.println();
                out.println("Holds released by hand:");
                TextTable released = new TextTable("released_at", "request_id", "units", "actor", "reason");
                for (HoldRow hold : releases) {
                    released.row(hold.finishedAt(), hold.requestId(), hold.units(), hold.releasedBy(), hold.releaseReason());
                }
                released.print(out);
            }
        });
        return ExitCodes.OK;
    }
}
