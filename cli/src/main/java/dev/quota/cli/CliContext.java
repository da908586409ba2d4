package dev.quota.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.time.Clock;
import java.util.Map;

/**
 * What a command may know of the world outside its arguments: environment variables, the
 * clock, standard input and whether it is a terminal. Injected so that tests run commands
 * in-process with a scripted world.
 */
public record CliContext(Map<String, String> env, Clock clock, BufferedReader stdin, boolean interactive,
                         boolean colour) {

    public static CliContext system() {
        boolean terminal = System.console() != null;
        Map<String, String> env = System.getenv();
        boolean colour = terminal && !env.containsKey("NO_COLOR") && !"dumb".equals(env.get("TERM"));
        return new CliContext(env, Clock.systemUTC(),
                new BufferedReader(new InputStreamReader(System.in, Charset.defaultCharset())), terminal, colour);
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
