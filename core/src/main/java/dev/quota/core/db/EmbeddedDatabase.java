package dev.quota.core.db;

import dev.quota.core.ErrorCode;
import dev.quota.core.QuotaException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default: a real PostgreSQL 17 run from the binaries on the classpath, its
 * data directory kept under {@code $QUOTA_HOME/pgdata} so that data survives between runs.
 * When another quota process already runs the server on that directory, this one connects
 * to it instead of starting a second one.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);
    public static final String HOME_VARIABLE = "QUOTA_HOME";
    private static final String SUPERUSER = "postgres";
    private static final String DATABASE = "postgres";

    private final EmbeddedPostgres server;
    private final int port;

    private EmbeddedDatabase(EmbeddedPostgres server, int port) {
        this.server = server;
        this.port = port;
    }

    /** {@code $QUOTA_HOME}, defaulting to {@code ~/.quota}. */
    public static Path home(Map<String, String> env) {
        String home = env.get(HOME_VARIABLE);
        return home != null && !home.isBlank() ? Path.of(home) : Path.of(System.getProperty("user.home"), ".quota");
    }

    /** Starts the server on {@code dataDirectory}, or attaches to the one already running there. */
    public static EmbeddedDatabase start(Path dataDirectory) {
        Optional<Integer> running = runningPort(dataDirectory);
        if (running.isPresent()) {
            log.debug("attaching to the embedded PostgreSQL already running on port {}", running.get());
            return new EmbeddedDatabase(null, running.get());
        }
        try {
            Files.createDirectories(dataDirectory);
            // the user's data: durable commits, unlike the throw-away servers of tests (embedded
            // PostgreSQL turns fsync off by default, which an OS crash could turn into lost commits)
            EmbeddedPostgres server = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("fsync", "on")
                    .start();
            return new EmbeddedDatabase(server, server.getPort());
        } catch (IOException | RuntimeException e) {
            throw new QuotaException(ErrorCode.DATABASE_UNAVAILABLE,
                    "could not start the embedded PostgreSQL in " + dataDirectory + ": " + e.getMessage(),
                    Map.of("data_directory", dataDirectory.toString()), null, e);
        }
    }

    /** A throw-away server with a fresh data directory, removed on close (tests, benchmarks). */
    public static EmbeddedDatabase startEphemeral(Map<String, String> serverConfig) {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
            serverConfig.forEach(builder::setServerConfig);
            EmbeddedPostgres server = builder.start();
            return new EmbeddedDatabase(server, server.getPort());
        } catch (IOException e) {
            throw new UncheckedIOException("could not start an embedded PostgreSQL", e);
        }
    }

    /** The port in the postmaster.pid of a live server on this directory, if there is one. */
    private static Optional<Integer> runningPort(Path dataDirectory) {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        try {
            List<String> lines = Files.readAllLines(pidFile);
            if (lines.size() < 4) {
                return Optional.empty();
            }
            int port = Integer.parseInt(lines.get(3).strip());
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("localhost", port), 500);
                return Optional.of(port);
            }
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    public DatabaseConfig config() {
        return DatabaseConfig.of(jdbcUrl(DATABASE), SUPERUSER, null);
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + port + "/" + database;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        if (server != null) {
            try {
                server.close();
            } catch (IOException e) {
                log.warn("could not stop the embedded PostgreSQL cleanly: {}", e.getMessage());
            }
        }
    }
}
