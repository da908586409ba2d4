package dev.quota.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Log levels follow {@code -v}: as configured by default, the toolkit's debug lines with it. */
final class Logging {

    private Logging() {
    }

    static void configure(boolean verbose) {
        if (verbose && LoggerFactory.getLogger("dev.quota") instanceof Logger toolkit) {
            toolkit.setLevel(Level.DEBUG);
        }
    }
}
