package dev.quota.cli.commands;

import dev.quota.core.AdjustmentKind;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "grant", mixinStandardHelpOptions = true, description = "Grant extra messages for a day, raising its limit, with an audit record.")
public final class GrantCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "USER", description = "User id or email")
    String user;

    @Parameters(index = "1", paramLabel = "N", description = "Units: units to add to the limit")
    int amount;

    @Mixin
    AdjustmentOptions adjustment;

    @Override
    public Integer call() {
        return adjustment.apply(AdjustmentKind.GRANT, user, amount);
    }
}
