package dev.quota.cli.commands;

import dev.quota.cli.ExitCodes;
import dev.quota.cli.Invocation;
import dev.quota.cli.Output;
import dev.quota.cli.RequestIdOption;
import dev.quota.cli.StrategyOption;
import dev.quota.cli.TextTable;
import dev.quota.core.Consumption;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "consume", mixinStandardHelpOptions = true,
        description = {"Consume quota the way the chat does: each unit stores a user message, in the same transaction.",
                "With --count N the N units are all accepted or all refused. Exits 3 (quota_exceeded) when the day is full.",
                "Retrying with the same --request-id returns the original outcome without charging again."})
public final class ConsumeCommand implements Callable<Integer> {

    private final Invocation invocation;

    ConsumeCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Parameters(index = "0", paramLabel = "USER", description = "User id or email")
    String user;

    @Option(names = {"-n", "--count"}, paramLabel = "N", defaultValue = "1", description = "Units (messages) to consume (default: ${DEFAULT-VALUE})")
    int count;

    @Mixin
    StrategyOption strategy;

    @Mixin
    RequestIdOption requestId;

    @Override
    public Integer call() {
        Consumption consumption = invocation.session().chat(strategy.name()).consume(user, count, invocation.requestId());
        Output output = invocation.output();
        Views.Consumed view = new Views.Consumed(Views.Status.of(consumption.status()), consumption.units(), consumption.replayed(),
                strategy.name());
        output.result(view, consumption::requestId, out -> {
            String verb = consumption.replayed() ? "already accepted earlier (replayed, not charged again)" : "accepted";
            out.println(output.style("bold,green", consumption.units() + " message" + (consumption.units() == 1 ? "" : "s") + " " + verb));
            TextTable.keyValues(out, List.of(
                    new String[] {"Consumed", consumption.status().consumed() + " of " + consumption.status().limit()},
                    new String[] {"Remaining", Integer.toString(consumption.status().remaining())},
                    new String[] {"Resets at", consumption.status().resetAt().toString()},
                    new String[] {"Request", consumption.requestId()}));
        });
        return ExitCodes.OK;
    }
}
