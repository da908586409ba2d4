package dev.quota.cli.commands;

import dev.quota.cli.ExitCodes;
import dev.quota.cli.Output;
import dev.quota.cli.Invocation;
import dev.quota.core.db.Database;
import dev.quota.core.db.SchemaCheck;
import dev.quota.core.db.SchemaMigrator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "db", mixinStandardHelpOptions = true, description = "Create, upgrade or check the quota schema.",
        subcommands = {DbCommand.Migrate.class, DbCommand.Check.class, DbCommand.Serve.class})
public final class DbCommand {

    record Migrated(String database, int migrationsApplied, String schemaVersion) {
    }

    record Checked(String database, boolean matches, List<String> differences) {
    }

    @Command(name = "migrate", mixinStandardHelpOptions = true,
            description = "Create or upgrade the quota schema (versioned migrations; safe to run again).")
    static final class Migrate implements Callable<Integer> {

        private final Invocation invocation;

        Migrate(Invocation invocation) {
            this.invocation = invocation;
        }

        @Override
        public Integer call() {
            Database database = invocation.session(false).database();
            SchemaMigrator migrator = database.migrator();
            int applied = migrator.migrate();
            Output output = invocation.output();
            output.result(new Migrated(database.describe(), applied, migrator.currentVersion()), invocation.requestId(), out -> out.println((applied == 0 ? "Schema already up to date" : "Applied " + applied
                    + " migration" + (applied == 1 ? "" : "s")) + "; schema version " + migrator.currentVersion() + " on " + database.describe()));
            return ExitCodes.OK;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Check that the database has the tables, columns, constraints and indexes the toolkit expects,",
                    "and say precisely what differs. Exit 8 (schema_mismatch) when something does. Writes nothing."})
    static final class Check implements Callable<Integer> {

        private final Invocation invocation;

        Check(Invocation invocation) {
            this.invocation = invocation;
        }

        @Override
        public Integer call() {
            Database database = invocation.session(false).database();
            List<String> differences = SchemaCheck.differences(database.jdbi());
            Output output = invocation.output();
            if (differences.isEmpty()) {
                output.result(new Checked(database.describe(), true, List.of()), invocation.requestId(),
                        out -> out.println("Schema matches: " + SchemaCheck.TABLES.size() + " tables checked on " + database.describe()));
                return ExitCodes.OK;
            }
            Map<String, Object> details = Map.of("database", database.describe(), "differences", differences);
            output.error("schema_mismatch", differences.size() + " difference" + (differences.size() == 1 ? "" : "s")
                    + " from the expected quota schema" + (output.json() ? "" : ":\n  " + String.join("\n  ", differences)),
                    details, invocation.requestId());
            return ExitCodes.SCHEMA_MISMATCH;
        }
    }

    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = {"Run the embedded PostgreSQL in the foreground until interrupted (Ctrl-C).",
                    "Other quota commands on the same $QUOTA_HOME attach to it instead of starting their own,",
                    "which makes each of them start in well under a second; benchmarks and pgbench can share it."})
    static final class Serve implements Callable<Integer> {

        private final Invocation invocation;

        Serve(Invocation invocation) {
            this.invocation = invocation;
        }

        @picocli.CommandLine.Option(names = "--url-file", paramLabel = "FILE",
                description = "Also write the server's JDBC URL to FILE once it accepts connections")
        java.nio.file.Path urlFile;

        @Override
        public Integer call() throws Exception {
            Database database = invocation.session(false).database();
            if (!database.embedded()) {
                throw dev.quota.core.QuotaException.invalidInput("db serve runs the embedded database; --db-url/QUOTA_DB_URL/PG* point elsewhere");
            }
            String url = database.config().jdbcUrl() + "?user=" + database.config().user();
            invocation.output().out().println(url);
            invocation.output().out().flush();
            if (urlFile != null) {
                java.nio.file.Files.writeString(urlFile, url + "\n");
            }
            invocation.output().note("embedded PostgreSQL serving " + database.describe() + "; Ctrl-C stops it");
            Thread.currentThread().join();
            return ExitCodes.OK;
        }
    }
}
