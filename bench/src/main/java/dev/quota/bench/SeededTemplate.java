package dev.quota.bench;

import dev.quota.core.db.CitusDistribution;
import dev.quota.core.db.Database;
import dev.quota.core.db.DatabaseConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * A database seeded once as {@link BenchTarget} seeds a trial's schema, then copied for each
 * contender of a paired cell: a file copy ({@code CREATE DATABASE … TEMPLATE … STRATEGY
 * FILE_COPY}) takes well under a second where seeding 100,000 users anew takes about five,
 * and every contender still writes to a database of its own, so a broken invariant names
 * the one that broke it.
 */
final class SeededTemplate implements AutoCloseable {

    private static final AtomicInteger NAMES = new AtomicInteger();
    private static final Pattern DATABASE = Pattern.compile("^(jdbc:postgresql://[^/]*/)([^?]*)(.*)$");
    /** The names {@link #newName} gives, with the process that made them. */
    private static final Pattern OURS = Pattern.compile("bench_(?:template|copy)_(\\d+)_\\d+");

    private final DatabaseConfig server;
    private final String name;
    private final BenchTarget seeded;

    private SeededTemplate(DatabaseConfig server, String name, BenchTarget seeded) {
        this.server = server;
        this.name = name;
        this.seeded = seeded;
    }

    /** A new database on {@code server} holding {@code users} subscribed users whose daily limit is {@code limit}. */
    static SeededTemplate seed(DatabaseConfig server, int users, int limit) {
        String name = newName("template");
        admin(server, "CREATE DATABASE " + name);
        try {
            return new SeededTemplate(server, name, BenchTarget.on(in(server, name), 2, users, limit));
        } catch (RuntimeException e) {
            admin(server, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            throw e;
        }
    }

    /** A database of its own, copied from the seed, with a pool of {@code poolSize}. */
    BenchTarget copy(int poolSize) {
        // a template must have no session while it is copied
        seeded.database.close();
        String copy = newName("copy");
        admin(server, "CREATE DATABASE " + copy + " TEMPLATE " + name + " STRATEGY FILE_COPY");
        try {
            Database database = Database.open(BenchTarget.trialConfig(in(server, copy), seeded.schemas, poolSize));
            return new BenchTarget(null, database, seeded.schemas, new Copy(server, copy));
        } catch (RuntimeException e) {
            new Copy(server, copy).drop();
            throw e;
        }
    }

    /** A copy's database, dropped when its target closes. */
    record Copy(DatabaseConfig server, String name) {
        void drop() {
            admin(server, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }

    @Override
    public void close() {
        try {
            seeded.database.close();
        } finally {
            new Copy(server, name).drop();
        }
    }

    /**
     * Drops the databases that paired runs on this host left behind when they were killed
     * before their cells ended (a run drops its own as each cell ends): those whose process
     * is gone. One that someone is still connected to is left, as {@code DROP DATABASE}
     * without {@code FORCE} refuses it. Returns the names dropped.
     */
    static List<String> dropLeftovers(DatabaseConfig server) {
        List<String> names = new ArrayList<>();
        try (Connection connection = connect(server); Statement statement = connection.createStatement();
                ResultSet databases = statement.executeQuery("SELECT datname FROM pg_database WHERE datname LIKE 'bench\\_%'")) {
            while (databases.next()) {
                names.add(databases.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("bench: listing the databases: " + e.getMessage(), e);
        }
        List<String> dropped = new ArrayList<>();
        for (String name : names) {
            Matcher ours = OURS.matcher(name);
            if (ours.matches() && ProcessHandle.of(Long.parseLong(ours.group(1))).isEmpty()) {
                try {
                    admin(server, "DROP DATABASE IF EXISTS " + name);
                    dropped.add(name);
                } catch (IllegalStateException inUse) {
                    // someone is connected to it: not a leftover to take from under them
                }
            }
        }
        return dropped;
    }

    private static String newName(String what) {
        return "bench_" + what + "_" + ProcessHandle.current().pid() + "_" + NAMES.incrementAndGet();
    }

    /** The same server's database {@code name}. */
    static DatabaseConfig in(DatabaseConfig server, String name) {
        Matcher url = DATABASE.matcher(server.jdbcUrl());
        if (!url.matches()) {
            throw new IllegalArgumentException("cannot name another database in " + server.redactedUrl());
        }
        return DatabaseConfig.of(url.group(1) + name + url.group(3), server.user(), server.password());
    }

    private static void admin(DatabaseConfig server, String sql) {
        try (Connection connection = connect(server); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("bench: " + sql + ": " + e.getMessage(), e);
        }
    }

    /** The server's version, as {@code SHOW server_version} gives it. */
    static String serverVersion(DatabaseConfig server) {
        try (Connection connection = connect(server); Statement statement = connection.createStatement();
                ResultSet version = statement.executeQuery("SHOW server_version")) {
            version.next();
            return version.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException("bench: SHOW server_version: " + e.getMessage(), e);
        }
    }

    /**
     * The server is a Citus coordinator. A database made by {@code CREATE DATABASE} there has
     * neither the extension nor the workers, so a copy would measure the coordinator alone.
     */
    static boolean isCitusCoordinator(DatabaseConfig server) {
        try (Connection connection = connect(server); Handle handle = Jdbi.open(connection)) {
            return CitusDistribution.isCoordinator(handle);
        } catch (SQLException e) {
            throw new IllegalStateException("bench: is the server a Citus coordinator: " + e.getMessage(), e);
        }
    }

    private static Connection connect(DatabaseConfig server) throws SQLException {
        return DriverManager.getConnection(server.jdbcUrl(), server.login());
    }
}
