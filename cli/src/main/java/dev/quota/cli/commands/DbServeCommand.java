package dev.quota.cli.commands;

import dev.quota.cli.ExitCodes;
import dev.quota.cli.Invocation;
import dev.quota.core.QuotaException;
import dev.quota.core.db.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the embedded PostgreSQL in the foreground until interrupted (Ctrl-C).",
                "Other quota commands on the same $QUOTA_HOME attach to it instead of starting their own,",
                "which makes each of them start in well under a second; benchmarks and pgbench can share it."})
final class DbServeCommand implements Callable<Integer> {

    private final Invocation invocation;

    DbServeCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Option(names = "--url-file", paramLabel = "FILE", description = "Also write the server's JDBC URL to FILE once it accepts connections")
    Path urlFile;

    @Override
    public Integer call() throws Exception {
        Database database = invocation.session(false).database();
        if (!database.embedded()) {
            throw QuotaException.invalidInput("db serve runs the embedded database; --db-url/QUOTA_DB_URL/PG* point elsewhere");
        }
        String url = database.config().jdbcUrl() + "?user=" + database.config().user();
        invocation.output().out().println(url);
        invocation.output().out().flush();
        if (urlFile != null) {
            Files.writeString(urlFile, url + "\n");
        }
        invocation.output().note("embedded PostgreSQL serving " + database.describe() + "; Ctrl-C stops it");
        Thread.currentThread().join();
        return ExitCodes.OK;
    }
}
