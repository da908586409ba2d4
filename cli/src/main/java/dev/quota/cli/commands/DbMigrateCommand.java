package dev.quota.cli.commands;

import dev.quota.cli.ExitCodes;
import dev.quota.cli.Invocation;
import dev.quota.cli.Output;
import dev.quota.core.QuotaException;
import dev.quota.core.UserKeyType;
import dev.quota.core.db.Database;
import dev.quota.core.db.LockWaits;
import dev.quota.core.db.MigrationPlan;
import dev.quota.core.db.ReadContract;
import dev.quota.core.db.SchemaMigrator;
import dev.quota.core.db.SchemaVersion;
import dev.quota.core.db.StandIn;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
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

    @Option(names = "--dry-run", description = "Print the SQL it would run, each migration headed by what it locks, and run nothing")
    boolean dryRun;

    @Option(names = "--plan", description = {"List the pending migrations, what each locks on this database, whom that blocks",
            "and for how long it is expected to hold it (from the tables' row estimates); run nothing"})
    boolean plan;

    @Option(names = "--to", paramLabel = "VERSION", description = {"Migrate no further than VERSION (1 to "
            + SchemaVersion.LATEST + "): to take an upgrade one migration at a time"})
    Integer target;

    @Option(names = "--lock-attempts", paramLabel = "N", defaultValue = "5", description = {
            "Attempts at a migration whose lock is held elsewhere (default: ${DEFAULT-VALUE}); each waits at most the",
            "lock_timeout (QUOTA_LOCK_TIMEOUT_MS, 2000 by default), is rolled back whole and is one line on stderr"})
    int lockAttempts;

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
        SchemaMigrator migrator = target == null ? database.migrator() : database.migrator().upTo(target);
        if (plan) {
            return printPlan(database, migrator, output);
        }
        if (dryRun) {
            return printDryRun(database, migrator, output);
        }
        if (!standIn && userKey != StandInKeys.bigint) {
            throw QuotaException.invalidInput("--user-key only shapes the stand-in (with --stand-in); on the product's own tables the key "
                    + "type is learned from " + ReadContract.COUNTERS + ".user_id");
        }
        LockWaits waits = new LockWaits(lockAttempts, LockWaits.DEFAULT.pause());
        SchemaMigrator.Installed installed = standIn ? StandIn.install(database, userKey.type)
                : SchemaMigrator.install(database, migrator, waits, output::note);
        int applied = installed.migrationsApplied();
        ReadContract.Outcome views = installed.views();
        String version = database.migrator().currentVersion();
        output.result(new Migrated(database.describe(), applied, version, views.created(), views.missing(),
                installed.distributed()), invocation::requestId, out -> {
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

    /** One lock of the plan, as JSON carries it: durations in milliseconds. */
    record PlannedLock(String table, String mode, String blocks, long rows) {
    }

    record PlannedMigration(int version, String description, String does, long expectedHoldMs, long statementTimeoutMs,
                            List<PlannedLock> locks) {

        static PlannedMigration of(MigrationPlan.PlannedMigration m) {
            return new PlannedMigration(m.version(), m.description(), m.does(), m.expectedHold().toMillis(), m.statementTimeout().toMillis(),
                    m.locks().stream().map(l -> new PlannedLock(l.table(), l.mode(), l.blocks(), l.rows())).toList());
        }
    }

    record Plan(String database, long lockTimeoutMs, int lockAttempts, List<PlannedMigration> migrations) {
    }

    private int printPlan(Database database, SchemaMigrator migrator, Output output) {
        List<PlannedMigration> migrations = migrator.plan().stream().map(PlannedMigration::of).toList();
        Plan plan = new Plan(database.describe(), database.config().lockTimeout().toMillis(), lockAttempts, migrations);
        output.result(plan, invocation::requestId, out -> {
            if (migrations.isEmpty()) {
                out.println("Nothing pending: schema " + database.config().schemas().toolkit() + " is up to date on " + database.describe());
                return;
            }
            out.printf(Locale.ROOT, "%d pending on %s; each waits at most %s for a lock, %d attempts%n", migrations.size(),
                    database.describe(), seconds(plan.lockTimeoutMs()), lockAttempts);
            migrations.forEach(m -> planLines(m).forEach(out::println));
        });
        return ExitCodes.OK;
    }

    /** A migration's lines in the plan: its name, then each lock, then its statement_timeout. */
    private static List<String> planLines(PlannedMigration m) {
        List<String> lines = new ArrayList<>();
        lines.add("V" + m.version() + " " + m.description() + ": " + m.does());
        if (m.locks().isEmpty()) {
            lines.add("    no lock on an existing table");
        }
        for (PlannedLock lock : m.locks()) {
            lines.add(String.format(Locale.ROOT, "    %s on %s (%,d row%s): blocks %s", lock.mode(), lock.table(), lock.rows(),
                    lock.rows() == 1 ? "" : "s", lock.blocks()));
        }
        lines.add("    " + (m.locks().isEmpty() ? "" : m.expectedHoldMs() == 0 ? "held for a catalog change (milliseconds); "
                : "held about " + seconds(m.expectedHoldMs()) + " (its index builds); ")
                + "statement_timeout " + (m.statementTimeoutMs() == 0 ? "none" : seconds(m.statementTimeoutMs())));
        return lines;
    }

    private static String seconds(long millis) {
        return millis < 1000 ? millis + " ms" : String.format(Locale.ROOT, "%.2f s", millis / 1000.0);
    }

    private int printDryRun(Database database, SchemaMigrator migrator, Output output) {
        var schemas = database.config().schemas();
        List<String> statements = new ArrayList<>();
        List<MigrationPlan.PlannedMigration> plan = migrator.plan();
        Map<Integer, PlannedMigration> plans = plan.stream().map(PlannedMigration::of)
                .collect(Collectors.toMap(PlannedMigration::version, m -> m));
        for (SchemaMigrator.PendingSql pending : migrator.pendingSql(plan)) {
            PlannedMigration planned = plans.get(pending.version());
            String heading = planned == null ? "" : planLines(planned).stream().map(line -> "-- " + line + "\n").collect(Collectors.joining());
            statements.add(heading + pending.sql());
        }
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
        output.result(new DryRun(database.describe(), statements, views.missing()), invocation::requestId, out -> {
            if (statements.isEmpty()) {
                out.println("-- nothing to do: schema " + schemas.toolkit() + " is up to date and its views exist");
            }
            statements.forEach(statement -> out.println(statement + "\n"));
            views.missing().forEach(line -> out.println("-- " + line));
        });
        return ExitCodes.OK;
    }
}
