package dev.quota.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import dev.quota.core.db.Database;
import dev.quota.core.db.ServerClock;
import java.time.Clock;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.io.IOException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * What a command may know of the world outside its arguments: environment variables, whose
 * clock says what time it is, standard input and whether it is a terminal. Injected so that
 * tests run commands in-process with a scripted world.
 *
 * @param clockOf     the clock of a command on a database: the server's ({@link ServerClock}), never
 *                    the host's, so that "today" is the day the SQL API and the product's rows agree
 *                    on; tests fix it
 * @param progressTerminal where a long command draws its progress ({@link ProgressLine}): the
 *                    system terminal, opened only when asked; null when there is none to draw on
 */
public record CliContext(Map<String, String> env, Function<Database, Clock> clockOf, BufferedReader stdin, boolean interactive,
                         boolean colour, Supplier<Terminal> progressTerminal) {

    /** Without a terminal to draw progress on: what the tests of everything but progress use. */
    public CliContext(Map<String, String> env, Function<Database, Clock> clockOf, BufferedReader stdin, boolean interactive,
                      boolean colour) {
        this(env, clockOf, stdin, interactive, colour, () -> null);
    }

    public static CliContext system() {
        boolean terminal = System.console() != null;
        Map<String, String> env = System.getenv();
        boolean colour = terminal && !env.containsKey("NO_COLOR") && !"dumb".equals(env.get("TERM"));
        return new CliContext(env, ServerClock::of,
                new BufferedReader(new InputStreamReader(System.in, Charset.defaultCharset())), terminal, colour,
                CliContext::systemTerminal);
    }

    private static Terminal systemTerminal() {
        try {
            return TerminalBuilder.builder().system(true).dumb(false).build();
        } catch (IOException | RuntimeException e) {
            return null; // no terminal to draw on: the command runs without progress
        }
    }

    /** The same world with no terminal to draw progress on: the shell's, which owns its terminal. */
    public CliContext withoutProgress() {
        return new CliContext(env, clockOf, stdin, interactive, colour);
    }

    /** The OS user, the default actor of audited changes. */
    public String osUser() {
        String user = env.get("USER");
        if (user == null || user.isBlank()) {
            user = System.getProperty("user.name", "unknown");
        }
        return user;
    }
}
