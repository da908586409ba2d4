package dev.quota.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throw-away server of Debian's {@code postgresql-15} package on loopback, for the tests
 * that need what the embedded one cannot give: a clock set by libfaketime
 * ({@link FakeClockPostgres}), or a streaming standby made with {@code pg_basebackup -R}
 * ({@link #startStandby}). {@code .ci/run} installs the package; without it such a test is
 * skipped on a developer's machine and fails in CI ({@link #assumeAvailable}).
 */
public final class DebianPostgres implements AutoCloseable {

    private static final Path BIN = Path.of(System.getenv().getOrDefault("QUOTA_PG15_BIN", "/usr/lib/postgresql/15/bin"));
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));
    /** Settings for a disposable server: no durability, room for a test's pools. */
    private static final String DISPOSABLE = "-c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=100";

    private final Path directory;
    private final int port;
    private final Map<String, String> environment;

    private DebianPostgres(Path directory, int port, Map<String, String> environment) {
        this.directory = directory;
        this.port = port;
        this.environment = environment;
    }

    /** Skips the calling test, or fails it in CI, when the server binaries are missing. */
    public static void assumeAvailable() {
        FakeTime.require(Files.isExecutable(BIN.resolve("pg_ctl")) ? Optional.empty()
                : Optional.of("no PostgreSQL server binaries in " + BIN + " (apt-get install postgresql-15)"));
    }

    /** A fresh primary, with {@code environment} added to the server's (libfaketime's, for one) and {@code settings} ({@code -c name=value ...}). */
    public static DebianPostgres start(Map<String, String> environment, String settings) {
        Path directory = newDirectory("quota-pg15-");
        runAsServerUser(Map.of(), BIN.resolve("initdb").toString(), "-D", directory.resolve("data").toString(), "-U", "postgres",
                "-A", "trust", "-E", "UTF8", "--no-sync");
        DebianPostgres server = new DebianPostgres(directory, freePort(), environment);
        server.launch(settings);
        return server;
    }

    /**
     * A hot standby of this server, streaming from it: a base backup with {@code -R} (which
     * writes {@code primary_conninfo} and {@code standby.signal}), started with {@code settings}.
     */
    public DebianPostgres startStandby(String settings) {
        Path standbyDirectory = newDirectory("quota-pg15-standby-");
        runAsServerUser(Map.of(), BIN.resolve("pg_basebackup").toString(), "-h", "127.0.0.1", "-p", Integer.toString(port),
                "-U", "postgres", "-D", standbyDirectory.resolve("data").toString(), "-R", "-X", "stream", "--checkpoint=fast", "--no-sync");
        DebianPostgres standby = new DebianPostgres(standbyDirectory, freePort(), environment);
        standby.launch("-c hot_standby=on " + settings);
        return standby;
    }

    public int port() {
        return port;
    }

    /** Connect as {@code postgres}, which trust authentication lets in. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** Runs {@code sql} with psql as the superuser, for what a test does to the server itself. */
    public void psql(String database, String sql) {
        runAsServerUser(Map.of(), BIN.resolve("psql").toString(), "-h", "127.0.0.1", "-p",
                Integer.toString(port), "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1", "-X", "-q", "-c", sql);
    }

    private void launch(String settings) {
        runAsServerUser(environment, BIN.resolve("pg_ctl").toString(), "-D", directory.resolve("data").toString(), "-w", "-l",
                directory.resolve("server.log").toString(), "-o", "-p " + port + " -k " + directory + " " + DISPOSABLE + " " + settings,
                "start");
    }

    private static Path newDirectory(String prefix) {
        try {
            Path directory = Files.createTempDirectory(prefix);
            if (ROOT) {
                // PostgreSQL refuses to run as root: the postgres user the package creates runs it
                run(List.of("chown", "-R", "postgres", directory.toString()));
            }
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a server binary as the user that may run it, with {@code environment} added. */
    private static void runAsServerUser(Map<String, String> environment, String... command) {
        List<String> full = new ArrayList<>();
        if (ROOT) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.add("env");
        environment.forEach((name, value) -> full.add(name + "=" + value));
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
            runAsServerUser(Map.of(), BIN.resolve("pg_ctl").toString(), "-D", directory.resolve("data").toString(), "-m",
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
