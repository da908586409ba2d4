package dev.quota.cli;

import dev.quota.core.Progress;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.jline.terminal.Terminal;
import org.jline.utils.AttributedString;
import org.jline.utils.Status;

/**
 * A long command's progress on the terminal's last line, JLine's {@link Status}: the phase,
 * done of total, the rate and the time left, redrawn at most five times a second and
 * removed when the work ends. Only on a terminal: {@link Invocation#progress()} gives one
 * that draws nothing when the output is piped, is JSON, or colour is off ({@code NO_COLOR},
 * {@code TERM=dumb}).
 */
public final class ProgressLine implements Progress, AutoCloseable {

    private static final long REDRAW_NANOS = 200_000_000L;

    private final Terminal terminal;
    private Status status;
    private String phase;
    private long phaseStarted;
    private long lastDrawn;

    private ProgressLine(Terminal terminal) {
        this.terminal = terminal;
        // a terminal without a size (a pty nobody sized) has no last line to draw on
        this.status = terminal == null || terminal.getHeight() < 2 || terminal.getWidth() < 20 ? null : Status.getStatus(terminal);
    }

    /** Draws on {@code terminal}, which it closes when done; none (null) draws nothing. */
    static ProgressLine on(Terminal terminal) {
        return new ProgressLine(terminal);
    }

    /**
     * On the process's own terminal, by the rule every command follows ({@link CliContext#system()}):
     * nothing is drawn in a pipe or with colour off. For the harnesses the scripts run outside
     * a command (scripts/bench-reconcile).
     */
    public static ProgressLine onSystemTerminal() {
        CliContext world = CliContext.system();
        return on(world.colour() ? world.progressTerminal().get() : null);
    }

    @Override
    public synchronized void update(String phase, long done, long total) {
        if (status == null) {
            return;
        }
        long now = System.nanoTime();
        if (!phase.equals(this.phase)) {
            this.phase = phase;
            phaseStarted = now;
        } else if (now - lastDrawn < REDRAW_NANOS) {
            return;
        }
        lastDrawn = now;
        try {
            status.update(List.of(new AttributedString(line(phase, done, total, now - phaseStarted))));
        } catch (RuntimeException e) {
            status = null; // progress is for watching: it never fails the work
        }
    }

    /** {@code messages  1,200,000 of 8,000,000 (15%)  85,000/s  1 min 20 s left} */
    static String line(String phase, long done, long total, long elapsedNanos) {
        StringBuilder line = new StringBuilder(phase);
        if (done == 0 && total == 0) {
            return line.append(" ...").toString();
        }
        line.append(String.format(Locale.ROOT, "  %,d", done));
        if (total > 0) {
            line.append(String.format(Locale.ROOT, " of %,d (%d%%)", total, Math.min(100, done * 100 / total)));
        }
        double seconds = elapsedNanos / 1e9;
        double rate = seconds > 0 ? done / seconds : 0;
        if (rate >= 1) {
            line.append(String.format(Locale.ROOT, "  %,.0f/s", rate));
            if (total > done) {
                line.append("  ").append(duration((long) Math.ceil((total - done) / rate))).append(" left");
            }
        }
        return line.toString();
    }

    private static String duration(long seconds) {
        return seconds < 60 ? seconds + " s" : String.format(Locale.ROOT, "%d min %02d s", seconds / 60, seconds % 60);
    }

    @Override
    public synchronized void close() {
        if (terminal == null) {
            return;
        }
        try {
            if (status != null) {
                status.update(List.of());
                status.close();
            }
            terminal.flush();
            terminal.close();
        } catch (IOException | RuntimeException e) {
            // the terminal was only drawn on; the command's result is written elsewhere
        }
    }
}
