package dev.quota.core.check;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import dev.quota.core.db.DatabaseConfig;

/**
 * Chaos for the simulator and the fault-injection tests: from a connection of its own, it
 * terminates ({@code pg_terminate_backend}) random backends of the toolkit's pool in one
 * database at a fixed pace, until closed. Only backends at work (running a statement or
 * inside a transaction): a fault mid-change is what the callers must survive, and killing
 * idle or half-opened connections only starves the pool, whose creator then backs off for
 * seconds. Needs a role allowed to signal those backends
 * (the same role, or a superuser).
 */
public final class BackendTerminator implements AutoCloseable {

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong terminated = new AtomicLong();
    private final Thread thread;

    public BackendTerminator(DatabaseConfig config, Duration every, int perRound) throws SQLException {
        Properties properties = config.login();
        properties.setProperty("ApplicationName", "quota-chaos");
        Connection connection = DriverManager.getConnection(config.jdbcUrl(), properties);
        thread = new Thread(() -> loop(connection, every, perRound), "backend-terminator");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop(Connection connection, Duration every, int perRound) {
        try (connection; Statement statement = connection.createStatement()) {
            while (running.get()) {
                try (ResultSet rs = statement.executeQuery("""
                        SELECT count(pg_terminate_backend(pid)) FROM (
                          SELECT pid FROM pg_stat_activity
                           WHERE datname = current_database() AND application_name = 'quota'
                             AND state IN ('active', 'idle in transaction') AND pid <> pg_backend_pid()
                           ORDER BY random() LIMIT""" + " " + perRound + ") AS victims")) {
                    rs.next();
                    terminated.addAndGet(rs.getLong(1));
                }
                Thread.sleep(every.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException e) {
            if (running.get()) {
                throw new IllegalStateException("backend terminator failed: " + e.getMessage(), e);
            }
        }
    }

    public long terminated() {
        return terminated.get();
    }

    @Override
    public void close() {
        running.set(false);
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
