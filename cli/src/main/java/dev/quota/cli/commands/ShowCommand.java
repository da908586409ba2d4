package dev.quota.cli.commands;

import dev.quota.cli.ExitCodes;
import dev.quota.cli.Invocation;
import dev.quota.cli.Output;
import dev.quota.cli.ReadUrlOption;
import dev.quota.cli.RequestIdOption;
import dev.quota.cli.Session;
import dev.quota.cli.TextTable;
import dev.quota.core.AdjustmentKind;
import dev.quota.core.QuotaDay;
import dev.quota.core.QuotaStatus;
import dev.quota.core.service.ReportService;
import dev.quota.core.persistence.AdjustmentRow;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Show a user's quota for a day: plan, limit, consumed, units held, remaining, reset time (UTC) and the day's grants.")
public final class ShowCommand implements Callable<Integer> {

    private final Invocation invocation;

    ShowCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Parameters(index = "0", paramLabel = "USER", description = "User id or email")
    String user;

    @Mixin
    DateOption date;

    @Mixin
    RequestIdOption requestId;

    @Mixin
    ReadUrlOption readUrl;

    @Override
    public Integer call() {
        Session session = invocation.readSession(readUrl);
        ReportService reports = session.reports();
        QuotaDay day = date.day(session.clock());
        QuotaStatus status = reports.status(user, day);
        List<AdjustmentRow> grants = reports.adjustments(status.userId(), day, day).stream()
                .filter(row -> row.kind().equals(AdjustmentKind.GRANT.code())).toList();
        ReportService.Holds holds = reports.holds(status.userId(), day);
        Views.Show view = Views.Show.of(status, holds, grants);
        Output output = invocation.output();
        output.result(view, invocation::requestId, out -> {
            List<String[]> lines = new ArrayList<>();
            lines.add(new String[] {"User", status.userId() + " <" + status.email() + ">"});
            lines.add(new String[] {"Plan", status.planCode() + " (" + status.planLimit() + " messages/day)"});
            lines.add(new String[] {"Day", status.day() + " (UTC)"});
            lines.add(new String[] {"Limit", status.limit() + (status.granted() == 0 ? ""
                    : "  (" + status.planLimit() + " plan + " + status.granted() + " granted)")});
            lines.add(new String[] {"Consumed", Integer.toString(status.consumed())});
            if (view.held() > 0) {
                lines.add(new String[] {"Held", view.held() + "  (replies being written; the first hold expires at "
                        + view.firstHoldExpiresAt() + ": 'quota holds' lists them)"});
            }
            String remaining = Integer.toString(view.status().remaining());
            lines.add(new String[] {"Remaining", view.status().remaining() == 0 ? output.style("bold,red", remaining + "  (exhausted)")
                    : output.style("bold,green", remaining)});
            lines.add(new String[] {"Resets at", status.resetAt() + "  (" + Views.until(session.clock().instant(), status.resetAt()) + ")"});
            for (AdjustmentRow grant : grants) {
                lines.add(new String[] {"Grant", "+" + grant.appliedDelta() + " by " + grant.actor() + " at " + grant.createdAt()
                        + ": " + grant.reason()});
            }
            TextTable.keyValues(out, lines);
        });
        return ExitCodes.OK;
    }
}
