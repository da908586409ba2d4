package dev.quota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.quota.cli.commands.ShellAccess;
import dev.quota.core.UserKey;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The interactive shell driven through a JLine terminal with scripted input. */
class ShellTest extends CliTestBase {

    @AfterEach
    void restoreTerminal() {
        ShellAccess.useSystemTerminal();
    }

    @Test
    void givenScriptedLines_whenTheShellRuns_thenEachCommandRunsOnTheSameConnection() throws Exception {
        UserKey user = fixtures.subscribedUser("shell@example.com", 9);
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        String input = "consume " + user + " --count 2\nshow shell@example.com\nhelp\nexit\n";
        ShellAccess.useTerminal(() -> {
            try {
                return new DumbTerminal("test", "dumb", new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                        screen, StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });

        quota("shell").exits(0);

        String output = screen.toString(StandardCharsets.UTF_8);
        assertThat(output).contains("quota shell on", "2 messages accepted", "Remaining  7", "show");
        assertThat(fixtures.usedCount(user, java.time.LocalDate.of(2026, 7, 1))).isEqualTo(2);
    }

    @Test
    void givenVerboseOnOneShellCommand_whenTheNextRunsWithoutIt_thenDebugLoggingEndedWithTheFirst() throws Exception {
        UserKey user = fixtures.subscribedUser("verbose@example.com", 9);
        Logger toolkit = (Logger) LoggerFactory.getLogger("dev.quota");
        Level configured = toolkit.getLevel();
        String input = "show " + user + " -v\nshow " + user + "\nexit\n";
        ShellAccess.useTerminal(() -> {
            try {
                return new DumbTerminal("test", "dumb", new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                        new ByteArrayOutputStream(), StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });

        quota("shell").exits(0);

        assertThat(toolkit.getLevel()).isEqualTo(configured);
    }
}
