package dev.quota.cli.commands;

import dev.quota.core.AdjustmentKind;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "refund", mixinStandardHelpOptions = true, description = {"Give consumed units back, with an audit record.",
        "Usage never goes below 0; the applied delta is recorded."})
public final class RefundCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "USER", description = "User id or email")
    String user;

    @Parameters(index = "1", paramLabel = "N", description = "Units: units to give back")
    int amount;

    @Mixin
    AdjustmentOptions adjustment;

    @Override
    public Integer call() {
        return adjustment.apply(AdjustmentKind.REFUND, user, amount);
    }
}
