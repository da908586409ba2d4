package dev.quota.cli.commands;

import dev.quota.core.service.ReportService;
import dev.quota.cli.ExitCodes;
import dev.quota.cli.Invocation;
import dev.quota.cli.Output;
import dev.quota.cli.ReadUrlOption;
import dev.quota.cli.RequestIdOption;
import dev.quota.cli.Session;
import dev.quota.cli.TextTable;
import dev.quota.core.persistence.HoldRow;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "holds", mixinStandardHelpOptions = true,
        description = {"List a user's holds of a day (quota.reserve): units, state, and when each expires or ended.",
                "Held units count against the limit until the hold is settled, released or expires."})
public final class HoldsCommand implements Callable<Integer> {

    private final Invocation invocation;

    HoldsCommand(Invocation invocation) {
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
        ReportService.Holds holds = session.reports().holds(user, date.day(session.clock()));
        Output output = invocation.output();
        output.result(Views.Holds.of(holds), invocation::requestId, out -> {
            if (holds.rows().isEmpty()) {
                out.println("No holds for user " + holds.userId() + " on " + holds.day() + ".");
                return;
            }
            TextTable table = new TextTable("request_id", "units", "state", "created_at", "expires_at", "ended", "used", "charged", "note");
            for (HoldRow hold : holds.rows()) {
                table.row(hold.requestId(), hold.units(), hold.expired() ? "expired" : hold.state(), hold.createdAt(), hold.expiresAt(),
                        hold.finishedAt() == null ? "" : hold.finishedAt(), hold.unitsUsed() == null ? "" : hold.unitsUsed(),
                        hold.chargedUnits() == null ? "" : hold.chargedUnits(), Views.holdNote(hold));
            }
            table.print(out);
            out.println();
            out.println("Held now: " + holds.held() + holds.oldestExpiry().map(at -> " (the first expires at " + at + ")").orElse(""));
        });
        return ExitCodes.OK;
    }
}
