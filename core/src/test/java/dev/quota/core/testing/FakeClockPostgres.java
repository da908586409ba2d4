package dev.quota.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server whose clock libfaketime sets: it reads {@code start} when launched and
 * runs on at the real rate, in every backend alike (a relative offset, not a start time,
 * which libfaketime would apply per process). Debian's {@code postgresql-15} and
 * {@code faketime} packages, which {@code .ci/run} installs ({@link FakeTime#require}).
 */
public final class FakeClockPostgres implements AutoCloseable {

    private static final Path BIN = Path.of(System.getenv().getOrDefault("QUOTA_PG15_BIN", "/usr/lib/postgresql/15/bin"));
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    private final Path directory;
    private final int port;

    private FakeClockPostgres(Path directory, int port) {
        this.directory = directory;
        this.port = port;
    }

    /** Skips the calling test, or fails it in CI, when the server or libfaketime is missing. */
    public static void assumeAvailable() {
        FakeTime.assumeAvailable();
        FakeTime.require(Files.isExecutable(BIN.resolve("pg_ctl")) ? Optional.empty()
                : Optional.of("no PostgreSQL server binaries in " + BIN + " (apt-get install postgresql-15)"));
    }

    /** Starts a fresh server whose clock reads {@code start} now. */
    public static FakeClockPostgres start(Instant start) {
        try {
            Path directory = Files.createTempDirectory("quota-fake-clock-");
            if (ROOT) {
                // PostgreSQL refuses to run as root: the postgres user the package creates runs it
                run(List.of("chown", "-R", "postgres", directory.toString()));
            }
            Path data = directory.resolve("data");
            runAsServerUser(List.of(), BIN.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres", "-A", "trust",
                    "-E", "UTF8", "--no-sync");
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            long offsetSeconds = Duration.between(Instant.now(), start).toSeconds();
            List<String> environment = FakeTime.environment((offsetSeconds >= 0 ? "+" : "") + offsetSeconds + "s").entrySet().stream()
                    .map(variable -> variable.getKey() + "=" + variable.getValue()).toList();
            runAsServerUser(environment, BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "-l",
                    directory.resolve("server.log").toString(), "-o",
                    "-p " + port + " -k " + directory + " -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off"
                            + " -c max_connections=100", "start");
            return new FakeClockPostgres(directory, port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** Runs a server binary as the user that may run it, with {@code environment} added. */
    private static void runAsServerUser(List<String> environment, String... command) {
        List<String> full = new ArrayList<>();
        if (ROOT) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.add("env");
        full.addAll(environment);
        full.addAll(List.of(command));
        run(full);
    }

    private static void run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            runAsServerUser(List.of(), BIN.resolve("pg_ctl").toString(), "-D", directory.resolve("data").toString(), "-m",
                    "immediate", "stop");
        } finally {
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                // a temporary directory: the OS cleans it
            }
        }
    }
}
