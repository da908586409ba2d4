package dev.quota.core.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * libfaketime (Debian's {@code faketime} package): the environment that shifts a child
 * process's wall clock, and only its wall clock. A test that needs it is skipped on a
 * developer's machine without it and fails in CI, which installs it ({@code .ci/run}), so
 * that CI never passes by skipping it.
 */
public final class FakeTime {

    private FakeTime() {
    }

    /** The environment of a process whose wall clock is {@code offset} off ({@code -1d}, {@code +3600s}). */
    public static Map<String, String> environment(String offset) {
        // a constant offset shifts the monotonic clock by a constant too, which the JVM's timed waits
        // do not mind; FAKETIME_DONT_FAKE_MONOTONIC would make every JVM start ten times slower
        return Map.of("LD_PRELOAD", library().orElseThrow().toString(), "FAKETIME", offset);
    }

    public static void assumeAvailable() {
        require(library().isEmpty() ? Optional.of("no libfaketime (apt-get install faketime)") : Optional.empty());
    }

    /** Skips the calling test when something is missing, or fails it in CI. */
    static void require(Optional<String> missing) {
        if (missing.isPresent() && System.getenv("CI") != null) {
            throw new IllegalStateException(missing.get() + " (CI must install postgresql-15 and faketime: see .ci/run)");
        }
        Assumptions.assumeTrue(missing.isEmpty(), () -> missing.get());
    }

    private static Optional<Path> library() {
        try (Stream<Path> libs = Files.list(Path.of("/usr/lib"))) {
            return libs.map(dir -> dir.resolve("faketime/libfaketime.so.1")).filter(Files::isReadable).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
