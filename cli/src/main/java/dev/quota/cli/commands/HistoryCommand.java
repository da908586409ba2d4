package dev.quota.cli.commands;

import dev.quota.cli.Output;
import dev.quota.cli.QuotaCommand;
import dev.quota.cli.TextTable;
import dev.quota.core.QuotaDay;
import dev.quota.core.QuotaException;
import dev.quota.core.QuotaService;
import dev.quota.core.persistence.AdjustmentRow;
import dev.quota.core.persistence.DayUsage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "history", mixinStandardHelpOptions = true,
        description = "A user's recent days (counter, stored messages, grants) and the trail of adjustments.")
public final class HistoryCommand implements Callable<Integer> {

    @ParentCommand
    QuotaCommand root;

    @Parameters(index = "0", paramLabel = "USER", description = "User id or email")
    String user;

    @Option(names = "--days", paramLabel = "N", defaultValue = "7", description = "How many days back, today included (default: ${DEFAULT-VALUE})")
    int days;

    @Override
    public Integer call() {
        if (days < 1 || days > 366) {
            throw QuotaException.invalidInput("--days must be between 1 and 366, got " + days);
        }
        QuotaService service = root.session().service(root.strategyName());
        QuotaDay to = QuotaDay.today(root.context().clock());
        QuotaDay from = to.minusDays(days - 1L);
        List<DayUsage> usage = service.history(user, from, to);
        List<AdjustmentRow> trail = service.adjustments(user, from, to);
        Output output = root.output();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("user", user);
        data.put("from", from.toString());
        data.put("to", to.toString());
        data.put("days", usage.stream().map(day -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("date", day.quotaDate().toString());
            row.put("consumed", day.usedCount());
            row.put("messages", day.messages());
            row.put("granted", day.granted());
            return row;
        }).toList());
        data.put("adjustments", trail.stream().map(Views::adjustment).toList());
        output.result(data, root.requestId(), out -> {
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
        });
        return 0;
    }
}
