package dev.quota.cli.commands;

import dev.quota.cli.ExitCodes;
import dev.quota.cli.Invocation;
import dev.quota.cli.Output;
import dev.quota.cli.ReadUrlOption;
import dev.quota.cli.RequestIdOption;
import dev.quota.cli.Session;
import dev.quota.cli.TextTable;
import dev.quota.core.QuotaDay;
import dev.quota.core.persistence.TopUser;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "top", mixinStandardHelpOptions = true, description = "List the heaviest users of a day, or only those who hit their limit.")
public final class TopCommand implements Callable<Integer> {

    private final Invocation invocation;

    TopCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Mixin
    DateOption date;

    @Option(names = "--exhausted", description = "Only users at or above their limit (blocked)")
    boolean exhausted;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "How many users (default: ${DEFAULT-VALUE})")
    int limit;

    @Mixin
    RequestIdOption requestId;

    @Mixin
    ReadUrlOption readUrl;

    @Override
    public Integer call() {
        Session session = invocation.readSession(readUrl);
        QuotaDay day = date.day(session.clock());
        List<TopUser> users = session.reports().top(day, exhausted, limit);
        Output output = invocation.output();
        List<Views.TopRow> rows = users.stream().map(Views.TopRow::of).toList();
        output.result(new Views.Top(day.toString(), exhausted, rows), invocation::requestId, out -> {
            if (rows.isEmpty()) {
                out.println("No " + (exhausted ? "exhausted " : "") + "counters on " + day + ".");
                return;
            }
            TextTable table = new TextTable("user_id", "email", "plan", "limit", "consumed", "remaining", "");
            for (Views.TopRow row : rows) {
                table.row(row.userId(), row.email(), row.plan(), row.limit(), row.consumed(), row.remaining(),
                        row.exhausted() ? output.style("red", "blocked") : "");
            }
            table.print(out);
        });
        return ExitCodes.OK;
    }
}
