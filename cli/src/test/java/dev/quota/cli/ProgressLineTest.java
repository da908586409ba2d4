package dev.quota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.junit.jupiter.api.Test;

/**
 * Progress shows on a terminal (JLine's status line, on a test terminal of type xterm that
 * records what is drawn) and never in a pipe or in JSON.
 */
class ProgressLineTest extends CliTestBase {

    private final ByteArrayOutputStream drawn = new ByteArrayOutputStream();
    private final AtomicInteger terminalsOpened = new AtomicInteger();

    private Terminal xterm() {
        terminalsOpened.incrementAndGet();
        try {
            return TerminalBuilder.builder().system(false).type("xterm-256color").size(new Size(100, 24))
                    .streams(new ByteArrayInputStream(new byte[0]), drawn).encoding(StandardCharsets.UTF_8).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A command on a terminal with colour on: what the system world gives a person at a shell prompt. */
    private CliRun onTerminal(String... args) {
        List<String> all = new ArrayList<>(List.of("--db-url", db.config().jdbcUrl() + "?user=postgres"));
        all.addAll(List.of(args));
        CliContext world = new CliContext(Map.of("USER", "tester"), database -> clock, new BufferedReader(new StringReader("")),
                true, true, this::xterm);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = QuotaCli.run(new PrintWriter(out, true), new PrintWriter(err, true), world, all.toArray(String[]::new));
        return new CliRun(code, out.toString(), err.toString());
    }

    private static final String[] SEED = {"demo", "seed", "--users", "2000", "--days", "1", "--messages", "30000", "--replace",
            "--last-day", "2026-06-30"};

    @Test
    void givenATerminal_whenTheDemoSeeds_thenItsStatusLineShowsMessagesDoneOfTotalAndIsRemovedAtTheEnd() {
        onTerminal(SEED).exits(0);

        String screen = drawn.toString(StandardCharsets.UTF_8);
        assertThat(screen).contains("messages  10,000 of 30,000 (33%)").contains("counters").contains("analyzing");
        assertThat(terminalsOpened).hasValue(1);
    }

    @Test
    void givenATerminal_whenReconciling_thenTheDayLedgersReadShowAgainstTheRangesCounters() {
        onTerminal(SEED).exits(0);
        drawn.reset();

        onTerminal("reconcile", "--date", "2026-06-30", "--no-prune");

        assertThat(drawn.toString(StandardCharsets.UTF_8)).containsPattern("day ledgers  [0-9,]+ of [0-9,]+ \\(\\d+%\\)");
    }

    @Test
    void givenAPipe_whenTheDemoSeeds_thenNoProgressIsDrawnAnywhere() {
        CliRun piped = quota(SEED).exits(0);

        assertThat(piped.out() + piped.err()).doesNotContain("of 30,000").doesNotContain("\u001b[");
        assertThat(terminalsOpened).hasValue(0);
    }

    @Test
    void givenJsonOutputOnATerminal_whenTheDemoSeeds_thenNoTerminalIsEvenOpened() {
        CliRun json = onTerminal(append(SEED, "-o", "json")).exits(0);

        assertThat(json.json().at("/data/users").asInt()).isEqualTo(2000);
        assertThat(terminalsOpened).hasValue(0);
        assertThat(drawn.size()).isZero();
    }

    @Test
    void givenAPhaseHalfDone_whenItsLineIsWritten_thenDoneOfTotalRateAndTimeLeft() {
        assertThat(ProgressLine.line("messages", 1_200_000, 8_000_000, 10_000_000_000L))
                .isEqualTo("messages  1,200,000 of 8,000,000 (15%)  120,000/s  57 s left");
        assertThat(ProgressLine.line("day ledgers", 50_000, 0, 2_000_000_000L)).isEqualTo("day ledgers  50,000  25,000/s");
        assertThat(ProgressLine.line("analyzing", 0, 0, 0)).isEqualTo("analyzing ...");
    }

    private static String[] append(String[] first, String... more) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }
}
