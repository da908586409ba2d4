package dev.quota.cli.commands;

import dev.quota.cli.ExitCodes;
import dev.quota.cli.Invocation;
import dev.quota.cli.Output;
import dev.quota.core.QuotaException;
import dev.quota.core.UserKeyType;
import dev.quota.core.db.Database;
import dev.quota.core.db.ReadContract;
import dev.quota.core.db.SchemaMigrator;
import dev.quota.core.db.StandIn;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = {"Create or upgrade the toolkit's own schema and the read contract's default views, safe to run again.",
                "The schema is quota unless QUOTA_SCHEMA says otherwise; the default views are made where the default",
                "layout's tables are there. On a Citus coordinator it distributes the toolkit's own tables and functions",
                "by user, co-located with the product's counters. Never creates, alters or drops a product table; lists",
                "the views still to write, one line each."})
final class DbMigrateCommand implements Callable<Integer> {

    private final Invocation invocation;

    DbMigrateCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Option(names = "--dry-run", description = "Print the SQL it would run, and run nothing")
    boolean dryRun;

    @Option(names = "--stand-in", description = {"On an empty database, first create the stand-in product tables the demo and",
            "the simulator use (what the embedded default has); refused where the product schema has tables"})
    boolean standIn;

    /** The stand-in's key kinds, as the product's column types name them. */
    enum StandInKeys {
        bigint(UserKeyType.WHOLE_NUMBER), uuid(UserKeyType.UUID), text(UserKeyType.TEXT);

        final UserKeyType type;

        StandInKeys(UserKeyType type) {
            this.type = type;
        }
    }

    @Option(names = "--user-key", paramLabel = "TYPE", defaultValue = "bigint",
            description = {"With --stand-in: key its users by ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}); on a product's",
                    "own tables the key type is learned from its counter table"})
    StandInKeys userKey;

    record Migrated(String database, int migrationsApplied, String schemaVersion, List<String> viewsCreated,
                    List<String> viewsMissing, List<String> distributed) {
    }

    record DryRun(String database, List<String> statements, List<String> viewsMissing) {
    }

    @Override
    public Integer call() {
        Database database = invocation.session(false).database();
        Output output = invocation.output();
        if (dryRun) {
            return printDryRun(database, output);
        }
        if (!standIn && userKey != StandInKeys.bigint) {
            throw QuotaException.invalidInput("--user-key only shapes the stand-in (with --stand-in); on the product's own tables the key "
                    + "type is learned from " + ReadContract.COUNTERS + ".user_id");
        }
        SchemaMigrator.Installed installed = standIn ? StandIn.install(database, userKey.type) : SchemaMigrator.install(database);
        int applied = installed.migrationsApplied();
        ReadContract.Outcome views = installed.views();
        String version = database.migrator().currentVersion();
        output.result(new Migrated(database.describe(), applied, version, views.created(), views.missing(),
                installed.distributed()), invocation.requestId(), out -> {
            out.println((applied == 0 ? "Schema " + database.config().schemas().toolkit() + " already up to date" : "Applied " + applied
                    + " migration" + (applied == 1 ? "" : "s")) + "; version " + version + " on " + database.describe());
            for (String created : views.created()) {
                out.println("Created " + created.lines().findFirst().orElse(created).replaceFirst("^CREATE VIEW", "view").replace(" AS", ""));
            }
            installed.distributed().forEach(out::println);
            views.missing().forEach(out::println);
            if (!views.missing().isEmpty()) {
                out.println("Then run 'quota db check'.");
            }
        });
        return ExitCodes.OK;
    }

    private int printDryRun(Database database, Output output) {
        var schemas = database.config().schemas();
        List<String> statements = new ArrayList<>(database.migrator().pendingSql());
        // the views are tried in a transaction that is always rolled back: nothing is written
        ReadContract.Outcome views = database.jdbi().withHandle(handle -> {
            handle.begin();
            try {
                handle.execute("CREATE SCHEMA IF NOT EXISTS " + schemas.toolkit());
                return ReadContract.createDefaultViews(handle, schemas);
            } finally {
                handle.rollback();
            }
        });
        statements.addAll(views.created());
        output.result(new DryRun(database.describe(), statements, views.missing()), invocation.requestId(), out -> {
            if (statements.isEmpty()) {
                out.println("-- nothing to do: schema " + schemas.toolkit() + " is up to date and its views exist");
            }
            statements.forEach(statement -> out.println(statement + "\n"));
            views.missing().forEach(line -> out.println("-- " + line));
        });
        return ExitCodes.OK;
    }
}
