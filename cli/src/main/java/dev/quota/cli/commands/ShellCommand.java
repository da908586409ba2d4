package dev.quota.cli.commands;

import dev.quota.cli.ExitCodes;
import dev.quota.cli.Invocation;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.jline.builtins.ConfigurationPath;
import org.jline.console.SystemRegistry;
import org.jline.console.impl.Builtins;
import org.jline.console.impl.SystemRegistryImpl;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.Parser;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.shell.jline3.PicocliCommands;

@Command(name = "shell", mixinStandardHelpOptions = true,
        description = {"Open an interactive shell that runs the same commands on one open connection.",
                "It has history, tab completion and 'help'; Ctrl-D or 'exit' leaves it."})
public final class ShellCommand implements Callable<Integer> {

    private final Invocation invocation;

    ShellCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    /** Tests give a terminal with scripted input; otherwise the system terminal. */
    static Supplier<Terminal> terminals = () -> {
        try {
            return TerminalBuilder.builder().name("quota").system(true).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    };

    @Override
    public Integer call() throws IOException {
        if (Thread.currentThread().getName().equals("quota-shell")) {
            invocation.output().note("already in the quota shell");
            return ExitCodes.OK;
        }
        // open the connection once, up front: every command in the shell then reuses it
        invocation.session();
        try (Terminal terminal = terminals.get()) {
            run(terminal);
        }
        return ExitCodes.OK;
    }

    private void run(Terminal terminal) {
        String previousName = Thread.currentThread().getName();
        Thread.currentThread().setName("quota-shell");
        try {
            PrintWriter writer = terminal.writer();
            CommandLine commands = invocation.commandLineWritingTo(writer, writer);
            commands.getSubcommands().remove("shell");
            PicocliCommands picocli = new PicocliCommands(commands);
            Supplier<Path> workDir = () -> Path.of(System.getProperty("user.dir"));
            Builtins builtins = new Builtins(workDir, new ConfigurationPath(workDir.get(), workDir.get()), null);
            Parser parser = new DefaultParser();
            SystemRegistry registry = new SystemRegistryImpl(parser, terminal, workDir, null);
            registry.setCommandRegistries(builtins, picocli);
            registry.register("help", picocli);
            LineReader reader = LineReaderBuilder.builder()
                    .terminal(terminal)
                    .appName("quota")
                    .completer(registry.completer())
                    .parser(parser)
                    .variable(LineReader.HISTORY_FILE, invocation.world().env().containsKey("QUOTA_HOME")
                            ? Path.of(invocation.world().env().get("QUOTA_HOME"), "shell_history")
                            : Path.of(System.getProperty("user.home"), ".quota", "shell_history"))
                    .variable(LineReader.LIST_MAX, 50)
                    .build();
            builtins.setLineReader(reader);
            writer.println("quota shell on " + invocation.session().database().describe() + ". Type 'help', or Ctrl-D to leave.");
            writer.flush();
            while (true) {
                try {
                    registry.cleanUp();
                    String line = reader.readLine("quota> ");
                    if (line.strip().equals("exit") || line.strip().equals("quit")) {
                        return;
                    }
                    registry.execute(line);
                } catch (UserInterruptException e) {
                    // Ctrl-C abandons the line being typed, not the shell
                } catch (EndOfFileException e) {
                    return;
                } catch (Exception e) {
                    registry.trace(e);
                }
            }
        } finally {
            Thread.currentThread().setName(previousName);
        }
    }
}
