package dev.quota.cli.commands;

import dev.quota.core.AdjustmentKind;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "charge", mixinStandardHelpOptions = true,
        description = {"Count units against a day without storing a message, with an audit record.",
                "Usage never exceeds the limit; the applied delta is recorded."})
public final class ChargeCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "USER", description = "User id or email")
    String user;

    @Parameters(index = "1", paramLabel = "N", description = "Units to count against the day")
    int amount;

    @Mixin
    AdjustmentOptions adjustment;

    @Override
    public Integer call() {
        return adjustment.apply(AdjustmentKind.CHARGE, user, amount);
    }
}
