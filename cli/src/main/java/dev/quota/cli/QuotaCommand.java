package dev.quota.cli;

import dev.quota.cli.commands.AdjustmentCommands;
import dev.quota.cli.commands.CompletionCommand;
import dev.quota.cli.commands.ConsumeCommand;
import dev.quota.cli.commands.DbCommand;
import dev.quota.cli.commands.DemoCommand;
import dev.quota.cli.commands.HistoryCommand;
import dev.quota.cli.commands.HoldsCommand;
import dev.quota.cli.commands.ReconcileCommand;
import dev.quota.cli.commands.ReleaseCommand;
import dev.quota.cli.commands.ShellCommand;
import dev.quota.cli.commands.ShowCommand;
import dev.quota.cli.commands.SimulateCommand;
import dev.quota.cli.commands.TopCommand;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The root command: the global options and the session every subcommand works in. */
@Command(name = "quota",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
                "Inspect, adjust, simulate and reconcile the daily message quotas of the chat product.",
                "The quota day is the UTC calendar date; it resets at the next UTC midnight."},
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
                "8:schema_mismatch (the read contract does not hold: quota db check says why)",
                "9:permission_denied (the database role lacks a privilege: quota db grants)",
                "10:drift found (reconcile, report mode)",
                "11:not_allowed_here (consume or a grant on a database whose settings rule it out)",
                "12:read_only_database (a writing command pointed at a hot standby: use the primary)",
                "13:standby_behind (the read URL's standby had not caught up within the bound)",
                "14:unsupported_by_database (the database cannot plan one of the toolkit's statements)",
                "15:lock_not_available (db migrate: another session held a lock a migration needs, every attempt)"},
        footerHeading = "%nDatabase:%n",
        footer = {
                "  --db-url, else QUOTA_DB_URL, else PGHOST/PGPORT/PGUSER/PGDATABASE, else the",
                "  embedded PostgreSQL kept in $QUOTA_HOME (default ~/.quota). A password comes",
                "  from the URL, PGPASSWORD or ~/.pgpass, never from a flag; it is never",
                "  printed. \"Today\" is always the database server's UTC date."})
public final class QuotaCommand {

    /**
     * The subcommands, in the order help lists them. Added by {@link QuotaCli} rather than
     * declared on the annotation, so that a one-shot command builds only its own tree.
     */
    static final List<Class<?>> SUBCOMMANDS = List.of(
            ShowCommand.class, ConsumeCommand.class, AdjustmentCommands.Grant.class, AdjustmentCommands.Refund.class,
            AdjustmentCommands.Charge.class, AdjustmentCommands.Reset.class, AdjustmentCommands.Set.class, HoldsCommand.class,
            ReleaseCommand.class, HistoryCommand.class, TopCommand.class, DbCommand.class, ReconcileCommand.class, DemoCommand.class,
            SimulateCommand.class, ShellCommand.class, CompletionCommand.class);

    /**
     * The subcommands a support command line runs once and exits: their models are written at
     * build time ({@link CommandModels}), so that none reads an annotation when it starts.
     */
    static final List<Class<?>> ONE_SHOT = List.of(
            ShowCommand.class, ConsumeCommand.class, AdjustmentCommands.Grant.class, AdjustmentCommands.Refund.class,
            AdjustmentCommands.Charge.class, AdjustmentCommands.Reset.class, AdjustmentCommands.Set.class, HoldsCommand.class,
            ReleaseCommand.class, HistoryCommand.class, TopCommand.class);

    /** The options of this command that take a value: skipped when looking for the subcommand's name. */
    static final java.util.Set<String> OPTIONS_WITH_VALUES = java.util.Set.of("--db-url", "-o", "--output");

    private final Invocation.GlobalOptions global;

    public QuotaCommand(Invocation invocation) {
        this.global = invocation.global();
    }

    @Option(names = "--db-url", scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "JDBC URL or libpq URI of the database (default: QUOTA_DB_URL, PG* variables, embedded)")
    void dbUrl(String url) {
        global.dbUrl = url;
    }

    @Option(names = {"-o", "--output"}, scope = ScopeType.INHERIT, paramLabel = "FORMAT", defaultValue = "table",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    void format(Output.Format format) {
        global.format = format;
    }

    // a default, so that each command line parsed (the shell parses many) starts without it
    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT, defaultValue = "false",
            description = "Debug logs and stack traces on stderr, for this command")
    void verbose(boolean verbose) {
        global.verbose = verbose;
    }
}
