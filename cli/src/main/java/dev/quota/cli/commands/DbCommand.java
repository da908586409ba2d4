package dev.quota.cli.commands;

import picocli.CommandLine.Command;

@Command(name = "db", mixinStandardHelpOptions = true,
        description = {"Install the toolkit's schema on a database, check it against the read contract, prune what has",
                "outlived its retention, print the contract's views and a least-privileged role's grants, or serve the embedded default."},
        subcommands = {DbMigrateCommand.class, DbCheckCommand.class, DbPruneCommand.class, DbViewsCommand.class, DbGrantsCommand.class,
                DbServeCommand.class})
public final class DbCommand {
}
