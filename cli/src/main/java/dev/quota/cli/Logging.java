package dev.quota.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/**
 * Log levels follow {@code -v}, command by command: the toolkit's debug lines with it, its
 * configured level without it, so a {@code -v} in the shell ends with its command. Spring
 * Batch's own error logs (a step's stack trace) show only with {@code -v}: a failed run
 * comes back to the command as its one-line failure, and a run the standby cancelled is
 * resumed, which the toolkit's warning says.
 */
final class Logging {

    static final String BATCH = "org.springframework.batch";

    private static boolean captured;
    /** Whether a {@code -v} changed the levels, which a command without it then restores. */
    private static boolean raised;
    /** The toolkit logger's level before any {@code -v}; null: inherited. */
    private static Level configured;

    private Logging() {
    }

    /**
     * Sets the levels for a command: only when {@code -v} asks, or to undo an earlier one. A
     * command without it leaves logging alone, so logback starts only if something logs, not
     * on every start of a support command.
     */
    static synchronized void configure(boolean verbose) {
        if (!verbose && !raised) {
            return;
        }
        raised = verbose;
        if (!(LoggerFactory.getLogger("dev.quota") instanceof Logger toolkit)) {
            return;
        }
        if (!captured) {
            configured = toolkit.getLevel();
            captured = true;
        }
        toolkit.setLevel(verbose ? Level.DEBUG : configured);
        if (LoggerFactory.getLogger(BATCH) instanceof Logger batch && batch.getLevel() != null) {
            batch.setLevel(verbose ? Level.WARN : Level.OFF);
        }
    }
}
