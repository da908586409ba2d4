package dev.quota.cli.commands;

import picocli.CommandLine.Command;

@Command(name = "db", mixinStandardHelpOptions = true,
        description = {"Install the toolkit's schema on a database, check it against the read contract,",
                "print the contract's views and the grants of a least-privileged role, or serve the embedded default."},
        subcommands = {DbMigrateCommand.class, DbCheckCommand.class, DbViewsCommand.class, DbGrantsCommand.class,
                DbServeCommand.class})
public final class DbCommand {
}
