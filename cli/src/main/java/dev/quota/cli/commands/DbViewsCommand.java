package dev.quota.cli.commands;

import dev.quota.cli.ExitCodes;
import dev.quota.cli.Invocation;
import dev.quota.core.db.ReadContract;
import dev.quota.core.db.Schemas;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "views", mixinStandardHelpOptions = true,
        description = {"Print the read contract's view definitions, for a DBA to edit for the product's own layout and run.",
                "docs/read-contract.md has a worked example. Needs no database."})
final class DbViewsCommand implements Callable<Integer> {

    private final Invocation invocation;

    DbViewsCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Option(names = "--template", required = true, description = "Print the definitions (as for the default layout) to edit")
    boolean template;

    @Override
    public Integer call() {
        invocation.output().out().print(ReadContract.template(Schemas.from(invocation.world().env())));
        invocation.output().out().flush();
        return ExitCodes.OK;
    }
}
