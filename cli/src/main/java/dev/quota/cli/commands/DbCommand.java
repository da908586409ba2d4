package dev.quota.cli.commands;

import picocli.CommandLine.Command;

@Command(name = "db", mixinStandardHelpOptions = true,
        description = {"Install, check and prune the toolkit's schema, print the read contract's views and a role's grants, or serve the embedded database.",
                "migrate never touches a product table; check judges the read contract; prune removes what has outlived its retention."},
        subcommands = {DbMigrateCommand.class, DbCheckCommand.class, DbPruneCommand.class, DbViewsCommand.class, DbGrantsCommand.class,
                DbServeCommand.class})
public final class DbCommand {
}
