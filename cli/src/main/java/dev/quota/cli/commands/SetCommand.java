package dev.quota.cli.commands;

import dev.quota.core.AdjustmentKind;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "set", mixinStandardHelpOptions = true,
        description = {"Set a day's usage to an exact value between 0 and the limit, with an audit record.",
                "Asks for confirmation unless --yes."})
public final class SetCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "USER", description = "User id or email")
    String user;

    @Parameters(index = "1", paramLabel = "USED", description = "The new consumed count")
    int used;

    @Mixin
    AdjustmentOptions adjustment;

    @Override
    public Integer call() {
        return adjustment.apply(AdjustmentKind.SET, user, used);
    }
}
