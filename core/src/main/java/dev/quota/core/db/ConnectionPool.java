package dev.quota.core.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;

/**
 * HikariCP over the driver's own data source, for the callers that run statements
 * concurrently (the chat paths, the job, the simulator). Kept apart from {@link Database} so
 * that a command on {@link Database.Connections#ONE} loads none of it.
 */
final class ConnectionPool {

    private ConnectionPool() {
    }

    static HikariDataSource over(DataSource driver, DatabaseConfig config) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("quota");
        hikari.setDataSource(driver);
        hikari.setMaximumPoolSize(config.poolSize());
        // one connection up front: a one-shot command needs no more, and a busy caller grows the pool on demand
        hikari.setMinimumIdle(1);
        hikari.setConnectionTimeout(Math.max(250, config.connectTimeout().toMillis()));
        hikari.setValidationTimeout(Math.max(250, Math.min(config.connectTimeout().toMillis(), 5_000)));
        return new HikariDataSource(hikari);
    }

    /** Drops the pool's idle connections, so that the next borrow opens fresh ones; nothing for a single connection. */
    static void evict(DataSource dataSource) {
        if (dataSource instanceof HikariDataSource pool) {
            pool.getHikariPoolMXBean().softEvictConnections();
        }
    }
}
