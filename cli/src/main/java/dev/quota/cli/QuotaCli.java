package dev.quota.cli;

import dev.quota.core.QuotaException;
import dev.quota.core.db.SqlStates;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
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
        try (QuotaCommand root = new QuotaCommand(context)) {
            return commandLine(root, out, err).execute(args);
        }
    }

    /** The configured command tree around a root (also used by the interactive shell). */
    public static CommandLine commandLine(QuotaCommand root, PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(root, new Factory(root));
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setAbbreviatedOptionsAllowed(false);
        commandLine.setExecutionExceptionHandler(new ExecutionErrors(root));
        commandLine.setParameterExceptionHandler(new UsageErrors(root));
        commandLine.setExecutionStrategy(parseResult -> {
            root.startCommand();
            Logging.configure(root.verbose());
            return new CommandLine.RunLast().execute(parseResult);
        });
        return commandLine;
    }

    /** Business and database errors: one clear line (or a JSON error document) and the mapped exit code. */
    static final class ExecutionErrors implements IExecutionExceptionHandler {
        private final QuotaCommand root;

        ExecutionErrors(QuotaCommand root) {
            this.root = root;
        }

        @Override
        public int handleExecutionException(Exception ex, CommandLine commandLine, ParseResult parseResult) {
            Output output = root.output();
            if (!(ex instanceof QuotaException) && causedByDatabase(ex)) {
                ex = SqlStates.translate(ex);
            }
            if (ex instanceof QuotaException quota) {
                output.error(quota.code().code(), quota.getMessage(), quota.details(),
                        quota.requestId() != null ? quota.requestId() : root.requestId());
                if (root.verbose()) {
                    ex.printStackTrace(commandLine.getErr());
                }
                return ExitCodes.of(quota.code());
            }
            if (ex instanceof ParameterException usage) {
                return new UsageErrors(root).handleParseException(usage, new String[0]);
            }
            output.error("unexpected_error", ex.getClass().getSimpleName() + ": " + firstLine(ex.getMessage())
                    + (root.verbose() ? "" : " (run with -v for details)"), Map.of(), root.requestId());
            if (root.verbose()) {
                ex.printStackTrace(commandLine.getErr());
            }
            return ExitCodes.FAILURE;
        }
    }

    /** Usage errors: what was wrong and where to look, exit 2. */
    static final class UsageErrors implements IParameterExceptionHandler {
        private final QuotaCommand root;

        UsageErrors(QuotaCommand root) {
            this.root = root;
        }

        @Override
        public int handleParseException(ParameterException ex, String[] args) {
            CommandLine failed = ex.getCommandLine();
            String hint = "see '" + failed.getCommandSpec().qualifiedName() + " --help'";
            if (root.format == Output.Format.json) {
                root.output().error("usage_error", firstLine(ex.getMessage()) + " (" + hint + ")", Map.of(), root.requestId());
            } else {
                PrintWriter err = failed.getErr();
                err.println("quota: " + firstLine(ex.getMessage()));
                err.println(hint);
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

    /** Gives every command object the root, so that commands need no static state. */
    private static final class Factory implements CommandLine.IFactory {
        private final QuotaCommand root;
        private final CommandLine.IFactory fallback = CommandLine.defaultFactory();

        Factory(QuotaCommand root) {
            this.root = root;
        }

        @Override
        public <K> K create(Class<K> type) throws Exception {
            if (type == QuotaCommand.class) {
                return type.cast(root);
            }
            return fallback.create(type);
        }
    }
}
