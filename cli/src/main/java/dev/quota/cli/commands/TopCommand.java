package dev.quota.cli.commands;

import dev.quota.cli.Output;
import dev.quota.cli.QuotaCommand;
import dev.quota.cli.TextTable;
import dev.quota.core.QuotaDay;
import dev.quota.core.persistence.TopUser;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "top", mixinStandardHelpOptions = true, description = "The heaviest users of a day, or only those who hit their limit.")
public final class TopCommand implements Callable<Integer> {

    @ParentCommand
    QuotaCommand root;

    @Mixin
    DateOption date;

    @Option(names = "--exhausted", description = "Only users at or above their limit (blocked)")
    boolean exhausted;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "How many users (default: ${DEFAULT-VALUE})")
    int limit;

    @Override
    public Integer call() {
        QuotaDay day = date.day(root.context().clock());
        List<TopUser> users = root.session().service(root.strategyName()).top(day, exhausted, limit);
        Output output = root.output();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("date", day.toString());
        data.put("exhausted_only", exhausted);
        data.put("users", users.stream().map(user -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("user_id", user.userId());
            row.put("email", user.email());
            row.put("plan", user.planCode());
            row.put("limit", user.limit());
            row.put("consumed", user.usedCount());
            row.put("remaining", user.limit() == null ? null : Math.max(0, user.limit() - user.usedCount()));
            row.put("exhausted", user.exhausted());
            return row;
        }).toList());
        output.result(data, root.requestId(), out -> {
            if (users.isEmpty()) {
                out.println("No " + (exhausted ? "exhausted " : "") + "counters on " + day + ".");
                return;
            }
            TextTable table = new TextTable("user_id", "email", "plan", "limit", "consumed", "remaining", "");
            for (TopUser user : users) {
                table.row(user.userId(), user.email(), user.planCode(), user.limit(), user.usedCount(),
                        user.limit() == null ? null : Math.max(0, user.limit() - user.usedCount()),
                        user.exhausted() ? output.style("red", "blocked") : "");
            }
            table.print(out);
        });
        return 0;
    }
}
