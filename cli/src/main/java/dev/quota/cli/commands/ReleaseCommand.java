package dev.quota.cli.commands;

import dev.quota.cli.ExitCodes;
import dev.quota.cli.Invocation;
import dev.quota.cli.RequestIdOption;
import dev.quota.core.persistence.HoldRow;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "release", mixinStandardHelpOptions = true,
        description = {"Free one open hold of a user by hand (a reply whose caller died holds its units until it expires).",
                "Who and why are recorded on the hold; nothing is charged. 'quota holds USER' lists them."})
public final class ReleaseCommand implements Callable<Integer> {

    private final Invocation invocation;

    ReleaseCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Parameters(index = "0", paramLabel = "USER", description = "User id or email")
    String user;

    @Parameters(index = "1", paramLabel = "REQUEST_ID", description = "The hold's request id, as 'quota holds' lists it")
    String holdRequestId;

    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why: recorded on the hold (required, at most 500 characters)")
    String reason;

    @Option(names = "--actor", paramLabel = "NAME", description = "Who releases it (default: the OS user name; at most 100 characters)")
    String actor;

    @Mixin
    RequestIdOption requestId;

    @Override
    public Integer call() {
        String who = actor != null && !actor.isBlank() ? actor : invocation.world().osUser();
        HoldRow released = invocation.oneConnectionSession().holds().release(user, holdRequestId, reason, who);
        invocation.output().result(Views.HoldView.of(released), invocation::requestId, out ->
                out.println("Released hold " + released.requestId() + " of user " + user + ": " + released.units() + " unit"
                        + (released.units() == 1 ? "" : "s") + " free again (" + released.releasedBy() + ": " + released.releaseReason() + ")"));
        return ExitCodes.OK;
    }
}
