package dev.quota.core.testing;

import java.time.Duration;
import java.time.Instant;

/**
 * A PostgreSQL server whose clock libfaketime sets: it reads {@code start} when launched and
 * runs on at the real rate, in every backend alike (a relative offset, not a start time,
 * which libfaketime would apply per process). Debian's {@code postgresql-15} and
 * {@code faketime} packages, which {@code .ci/run} installs ({@link FakeTime#require}).
 */
public final class FakeClockPostgres {

    private FakeClockPostgres() {
    }

    /** Skips the calling test, or fails it in CI, when the server or libfaketime is missing. */
    public static void assumeAvailable() {
        FakeTime.assumeAvailable();
        DebianPostgres.assumeAvailable();
    }

    /** Starts a fresh server whose clock reads {@code start} now. */
    public static DebianPostgres start(Instant start) {
        long offsetSeconds = Duration.between(Instant.now(), start).toSeconds();
        return DebianPostgres.start(FakeTime.environment((offsetSeconds >= 0 ? "+" : "") + offsetSeconds + "s"), "");
    }
}
