package dev.quota.cli.commands;

import dev.quota.cli.Output;
import dev.quota.cli.QuotaCommand;
import dev.quota.cli.TextTable;
import dev.quota.core.Consumption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "consume", mixinStandardHelpOptions = true,
        description = {"Consume quota the way the chat does: each unit stores a user message, in the same transaction.",
                "With --count N the N units are all accepted or all refused. Exits 3 (quota_exceeded) when the day is full.",
                "Retrying with the same --request-id returns the original outcome without charging again."})
public final class ConsumeCommand implements Callable<Integer> {

    @ParentCommand
    QuotaCommand root;

    @Parameters(index = "0", paramLabel = "USER", description = "User id or email")
    String user;

    @Option(names = {"-n", "--count"}, paramLabel = "N", defaultValue = "1", description = "Units (messages) to consume (default: ${DEFAULT-VALUE})")
    int count;

    @Override
    public Integer call() {
        Consumption consumption = root.session().service(root.strategyName()).consume(user, count, root.requestId());
        Output output = root.output();
        Map<String, Object> data = Views.status(consumption.status());
        data.put("accepted", consumption.units());
        data.put("replayed", consumption.replayed());
        data.put("strategy", root.strategyName());
        output.result(data, consumption.requestId(), out -> {
            String verb = consumption.replayed() ? "already accepted earlier (replayed, not charged again)" : "accepted";
            out.println(output.style("bold,green", consumption.units() + " message" + (consumption.units() == 1 ? "" : "s") + " " + verb));
            TextTable.keyValues(out, List.of(
                    new String[] {"Consumed", consumption.status().consumed() + " of " + consumption.status().limit()},
                    new String[] {"Remaining", Integer.toString(consumption.status().remaining())},
                    new String[] {"Resets at", consumption.status().resetAt().toString()},
                    new String[] {"Request", consumption.requestId()}));
        });
        return 0;
    }
}
