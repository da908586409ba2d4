package dev.quota.cli;

import dev.quota.cli.commands.CompletionCommand;
import dev.quota.cli.commands.ConsumeCommand;
import dev.quota.cli.commands.DbCommand;
import dev.quota.cli.commands.DemoCommand;
import dev.quota.cli.commands.GrantCommand;
import dev.quota.cli.commands.HistoryCommand;
import dev.quota.cli.commands.ReconcileCommand;
import dev.quota.cli.commands.RefundCommand;
import dev.quota.cli.commands.ResetCommand;
import dev.quota.cli.commands.SetCommand;
import dev.quota.cli.commands.ShellCommand;
import dev.quota.cli.commands.ShowCommand;
import dev.quota.cli.commands.SimulateCommand;
import dev.quota.cli.commands.TopCommand;
import dev.quota.core.ErrorCode;
import dev.quota.core.QuotaException;
import dev.quota.core.RequestIds;
import dev.quota.core.db.Database;
import dev.quota.core.db.SchemaCheck;
import dev.quota.core.strategy.Strategies;
import java.util.Iterator;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The root command: the global options and the session every subcommand works in. */
@Command(name = "quota",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
                "Inspect, adjust, simulate and reconcile the daily message quotas of the chat product.",
                "The quota day is the UTC calendar date; it resets at the next UTC midnight."},
        subcommands = {
                ShowCommand.class, ConsumeCommand.class, GrantCommand.class, RefundCommand.class,
                ResetCommand.class, SetCommand.class, HistoryCommand.class, TopCommand.class,
                DbCommand.class, ReconcileCommand.class, DemoCommand.class, SimulateCommand.class, ShellCommand.class,
                CompletionCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:ok",
                "1:unexpected error, an invariant broken (simulate), a failed job (reconcile)",
                "2:usage error (unknown option, missing argument, confirmation needed)",
                "3:quota_exceeded",
                "4:no_active_subscription",
                "5:user_not_found",
                "6:invalid_quota_state or invalid input",
                "7:database_unavailable (cannot connect, auth failed, timed out)",
                "8:schema_mismatch",
                "10:drift found (reconcile, report mode)"},
        footerHeading = "%nDatabase:%n",
        footer = {
                "  --db-url, else QUOTA_DB_URL, else PGHOST/PGPORT/PGUSER/PGDATABASE, else the",
                "  embedded PostgreSQL kept in $QUOTA_HOME (default ~/.quota). A password comes",
                "  from the URL, PGPASSWORD or ~/.pgpass, never from a flag, and is never printed."})
public final class QuotaCommand implements AutoCloseable {

    @Spec
    CommandSpec spec;

    @Option(names = "--db-url", scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "JDBC URL or libpq URI of the database (default: QUOTA_DB_URL, PG* variables, embedded)")
    String dbUrl;

    @Option(names = {"-o", "--output"}, scope = ScopeType.INHERIT, paramLabel = "FORMAT", defaultValue = "table",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    Output.Format format = Output.Format.table;

    @Option(names = "--actor", scope = ScopeType.INHERIT, paramLabel = "NAME",
            description = "Who makes an audited change (default: the OS user name)")
    String actor;

    @Option(names = "--request-id", scope = ScopeType.INHERIT, paramLabel = "ID",
            description = "Request id to log and to make a retried change idempotent (default: a new UUID)")
    String requestId;

    @Option(names = "--strategy", scope = ScopeType.INHERIT, paramLabel = "NAME", defaultValue = Strategies.DEFAULT,
            completionCandidates = StrategyNames.class,
            description = "Consumption strategy: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    String strategy = Strategies.DEFAULT;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Debug logs and stack traces on stderr")
    boolean verbose;

    private final CliContext context;
    private Session session;
    private String effectiveRequestId;

    public QuotaCommand(CliContext context) {
        this.context = context;
    }

    public CliContext context() {
        return context;
    }

    public Output output() {
        return new Output(spec.commandLine().getOut(), spec.commandLine().getErr(), format, context.colour());
    }

    public boolean verbose() {
        return verbose;
    }

    public String strategyName() {
        return strategy;
    }

    public String actor() {
        return actor != null && !actor.isBlank() ? actor.strip() : context.osUser();
    }

    /** The request id of the command being run: the one given, or one generated per command. */
    public String requestId() {
        if (effectiveRequestId == null) {
            effectiveRequestId = RequestIds.orNew(requestId);
        }
        return effectiveRequestId;
    }

    /** Forgets per-command state; the shell calls it between commands. */
    void startCommand() {
        effectiveRequestId = null;
    }

    /** The session on the chosen database, opened on first use and checked to hold the quota schema. */
    public Session session() {
        return session(true);
    }

    public Session session(boolean requireSchema) {
        if (session != null && !session.serves(dbUrl)) {
            session.close();
            session = null;
        }
        if (session == null) {
            Database database = Database.openDefault(dbUrl, context.env());
            session = new Session(dbUrl, database, context.clock());
        }
        if (requireSchema && !session.database().embedded()) {
            requireQuotaTables(session.database());
        }
        return session;
    }

    private static void requireQuotaTables(Database database) {
        // one catalog query, not Flyway: the chat backend's own migrations may own these tables
        List<String> missing = database.jdbi().withHandle(handle -> handle.createQuery(
                        "SELECT t FROM unnest(CAST(:tables AS text[])) WITH ORDINALITY AS x(t, n) WHERE to_regclass(t) IS NULL ORDER BY n")
                .bind("tables", SchemaCheck.PRODUCT_TABLES.toArray(String[]::new)).mapTo(String.class).list());
        if (!missing.isEmpty()) {
            throw new QuotaException(ErrorCode.SCHEMA_MISMATCH, "the database has no table " + missing.get(0)
                    + "; run 'quota db migrate' to create the quota schema, or 'quota db check' for details");
        }
    }

    @Override
    public void close() {
        if (session != null) {
            session.close();
            session = null;
        }
    }

    /** Strategy names for completion and help. */
    static final class StrategyNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Strategies.NAMES.iterator();
        }
    }
}
