package dev.quota.cli;

import dev.quota.core.QuotaException;
import dev.quota.core.db.SqlStates;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.List;
import java.util.Map;
import dev.quota.cli.commands.CompletionCommand;
import dev.quota.cli.commands.ShellCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Entry point: wires the whole command line in one place (factory, exit codes, error
 * handlers, writers) so that {@link #run} runs any command in-process with given streams.
 */
public final class QuotaCli {

    private QuotaCli() {
    }

    public static void main(String[] args) {
        if ("json".equalsIgnoreCase(System.getenv("QUOTA_LOG_FORMAT")) && System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "logback-json.xml");
        }
        PrintWriter out = new PrintWriter(System.out, true, Charset.defaultCharset());
        PrintWriter err = new PrintWriter(System.err, true, Charset.defaultCharset());
        int exitCode = run(out, err, CliContext.system(), args);
        System.exit(exitCode);
    }

    /** Runs one command line and returns its exit code. */
    public static int run(PrintWriter out, PrintWriter err, CliContext context, String... args) {
        try (Invocation invocation = new Invocation(context, out, err, QuotaCli::commandLine)) {
            return commandLine(invocation, subcommandsFor(args)).execute(args);
        }
    }

    /** The configured command tree on an invocation, every subcommand in it (the interactive shell, completion). */
    public static CommandLine commandLine(Invocation invocation) {
        return commandLine(invocation, QuotaCommand.SUBCOMMANDS);
    }

    /**
     * Only the subcommand the arguments name, when they name one that needs no other: each
     * subcommand's tree costs start-up time (picocli reflects over its options), and a support
     * command should not pay for fifteen. Help, a typo, the shell and completion get them all.
     */
    static List<Class<?>> subcommandsFor(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String word = args[i];
            if (QuotaCommand.OPTIONS_WITH_VALUES.contains(word)) {
                i++;
            } else if (!word.startsWith("-")) {
                Class<?> subcommand = subcommandNamed(word);
                return subcommand == null || subcommand == ShellCommand.class || subcommand == CompletionCommand.class
                        ? QuotaCommand.SUBCOMMANDS : List.of(subcommand);
            }
        }
        return QuotaCommand.SUBCOMMANDS;
    }

    private static Class<?> subcommandNamed(String name) {
        CommandModels models = CommandModels.written();
        if (models != null) {
            return models.subcommandNamed(name);
        }
        for (Class<?> subcommand : QuotaCommand.SUBCOMMANDS) {
            if (subcommand.getAnnotation(Command.class).name().equals(name)) {
                return subcommand;
            }
        }
        return null;
    }

    /** The tree: each command from the model written at build time where there is one, else by reflection. */
    private static CommandLine commandLine(Invocation invocation, List<Class<?>> subcommands) {
        CommandFactory factory = new CommandFactory(invocation);
        CommandModels models = CommandModels.written();
        CommandLine commandLine = models != null ? new CommandLine(models.root(invocation), factory)
                : new CommandLine(QuotaCommand.class, factory);
        for (Class<?> subcommand : subcommands) {
            CommandSpec written = models != null ? models.subcommand(subcommand, invocation) : null;
            commandLine.addSubcommand(written != null ? new CommandLine(written, factory) : new CommandLine(subcommand, factory));
        }
        Output output = invocation.output();
        commandLine.setOut(output.out());
        commandLine.setErr(output.err());
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setAbbreviatedOptionsAllowed(false);
        commandLine.setExecutionExceptionHandler(new ExecutionErrors(invocation));
        commandLine.setParameterExceptionHandler(new UsageErrors(invocation));
        commandLine.setExecutionStrategy(parseResult -> {
            ParseResult command = parseResult;
            while (command.hasSubcommand()) {
                command = command.subcommand();
            }
            invocation.startCommand(command.matchedOptionValue(RequestIdOption.NAME, null));
            Logging.configure(invocation.verbose());
            try {
                // a malformed --request-id is refused before the command does anything
                invocation.requireValidRequestId();
            } catch (QuotaException invalid) {
                throw new CommandLine.ExecutionException(command.commandSpec().commandLine(), invalid.getMessage(), invalid);
            }
            return new CommandLine.RunLast().execute(parseResult);
        });
        return commandLine;
    }

    /** Business and database errors: one clear line (or a JSON error document) and the mapped exit code. */
    static final class ExecutionErrors implements IExecutionExceptionHandler {
        private final Invocation invocation;

        ExecutionErrors(Invocation invocation) {
            this.invocation = invocation;
        }

        @Override
        public int handleExecutionException(Exception ex, CommandLine commandLine, ParseResult parseResult) {
            Output output = invocation.output();
            if (!(ex instanceof QuotaException) && causedByDatabase(ex)) {
                ex = SqlStates.translate(ex);
            }
            if (ex instanceof QuotaException quota) {
                output.error(quota.code().code(), quota.getMessage(), quota.details(),
                        quota.requestId() != null ? quota.requestId() : invocation.requestIdForErrors());
                if (invocation.verbose()) {
                    ex.printStackTrace(commandLine.getErr());
                }
                return ExitCodes.of(quota.code());
            }
            if (ex instanceof ParameterException usage) {
                return new UsageErrors(invocation).handleParseException(usage, new String[0]);
            }
            output.error("unexpected_error", ex.getClass().getSimpleName() + ": " + firstLine(ex.getMessage())
                    + (invocation.verbose() ? "" : " (run with -v for details)"), Map.of(), invocation.requestIdForErrors());
            if (invocation.verbose()) {
                ex.printStackTrace(commandLine.getErr());
            }
            return ExitCodes.FAILURE;
        }
    }

    /** Usage errors: what was wrong and where to look, exit 2. */
    static final class UsageErrors implements IParameterExceptionHandler {
        private final Invocation invocation;

        UsageErrors(Invocation invocation) {
            this.invocation = invocation;
        }

        @Override
        public int handleParseException(ParameterException ex, String[] args) {
            invocation.startCommand(null);
            CommandLine failed = ex.getCommandLine();
            String hint = "see '" + failed.getCommandSpec().qualifiedName() + " --help'";
            Output output = invocation.output();
            if (output.json()) {
                output.error("usage_error", firstLine(ex.getMessage()) + " (" + hint + ")", Map.of(), invocation.requestIdForErrors());
            } else {
                PrintWriter err = failed.getErr();
                // one line, as every error: scripts and log scrapers read the first line only
                err.println("quota: " + firstLine(ex.getMessage()) + " (" + hint + ")");
                err.flush();
            }
            return ExitCodes.USAGE;
        }
    }

    private static boolean causedByDatabase(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException) {
                return true;
            }
        }
        return false;
    }

    static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("").strip();
    }
}
