package dev.quota.cli.commands;

import dev.quota.core.AdjustmentKind;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "reset", mixinStandardHelpOptions = true,
        description = {"Give a user the whole day back (usage to 0), with an audit record.",
                "Asks for confirmation unless --yes."})
public final class ResetCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "USER", description = "User id or email")
    String user;

    @Mixin
    AdjustmentOptions adjustment;

    @Override
    public Integer call() {
        return adjustment.apply(AdjustmentKind.RESET, user, 0);
    }
}
