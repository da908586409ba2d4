package dev.quota.core.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.quota.core.QuotaException;
import dev.quota.core.persistence.UserKeyPlugin;
import java.nio.file.Path;
import java.util.Map;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;

/**
 * An open connection pool with its Jdbi, and, for the embedded default, the server behind
 * it. Lock and statement timeouts are set per connection at login (libpq {@code options}),
 * so they cost no round trip per transaction.
 */
public final class Database implements AutoCloseable {

    private final DatabaseConfig config;
    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final EmbeddedDatabase embedded;

    private Database(DatabaseConfig config, HikariDataSource dataSource, EmbeddedDatabase embedded) {
        this.config = config;
        this.dataSource = dataSource;
        this.embedded = embedded;
        this.jdbi = withPlugins(Jdbi.create(dataSource));
    }

    /** {@code jdbi} with what every Jdbi of the toolkit needs: SQL objects, PostgreSQL's types, user keys of any type. */
    public static Jdbi withPlugins(Jdbi jdbi) {
        return jdbi.installPlugin(new SqlObjectPlugin()).installPlugin(new PostgresPlugin()).installPlugin(new UserKeyPlugin());
    }

    public static Database open(DatabaseConfig config) {
        return open(config, null);
    }

    /**
     * The database named by {@code explicitUrl}/the environment, or else the embedded default
     * under {@code $QUOTA_HOME}, with the stand-in tables installed on first use.
     */
    public static Database openDefault(String explicitUrl, Map<String, String> env) {
        var external = DatabaseConfig.resolve(explicitUrl, env);
        if (external.isPresent()) {
            return open(external.get().tunedBy(env));
        }
        Path dataDirectory = EmbeddedDatabase.home(env).resolve("pgdata");
        EmbeddedDatabase server = EmbeddedDatabase.start(dataDirectory);
        try {
            Database database = open(server.config().tunedBy(env), server);
            StandIn.installIfBehind(database);
            return database;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    private static Database open(DatabaseConfig config, EmbeddedDatabase embedded) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("quota");
        hikari.setJdbcUrl(config.jdbcUrl());
        if (config.user() != null) {
            hikari.setUsername(config.user());
        }
        if (config.password() != null) {
            hikari.setPassword(config.password());
        }
        hikari.setMaximumPoolSize(config.poolSize());
        // one connection up front: a one-shot command needs no more, and a busy caller grows the pool on demand
        hikari.setMinimumIdle(1);
        hikari.setConnectionTimeout(Math.max(250, config.connectTimeout().toMillis()));
        hikari.setValidationTimeout(Math.max(250, Math.min(config.connectTimeout().toMillis(), 5_000)));
        hikari.addDataSourceProperty("connectTimeout", Math.max(1, config.connectTimeout().toSeconds()));
        hikari.addDataSourceProperty("ApplicationName", "quota");
        hikari.addDataSourceProperty("reWriteBatchedInserts", "true");
        hikari.addDataSourceProperty("tcpKeepAlive", "true");
        hikari.addDataSourceProperty("options", "-c lock_timeout=" + config.lockTimeout().toMillis()
                + " -c statement_timeout=" + config.statementTimeout().toMillis() + " -c TimeZone=UTC");
        // the toolkit's schema first: its views, then the product's tables (Schemas)
        hikari.addDataSourceProperty("currentSchema", config.schemas().searchPath());
        try {
            return new Database(config, new HikariDataSource(hikari), embedded);
        } catch (RuntimeException e) {
            QuotaException error = SqlStates.translate(e);
            throw new QuotaException(error.code(), "cannot connect to " + config.redactedUrl() + ": "
                    + rootCause(e), error.details(), null, e);
        }
    }

    private static String rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage().lines().findFirst().orElse("");
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public DatabaseConfig config() {
        return config;
    }

    public boolean embedded() {
        return embedded != null;
    }

    public SchemaMigrator migrator() {
        return new SchemaMigrator(dataSource, config.schemas(), config.lockTimeout(), config.statementTimeout());
    }

    /**
     * Drops the pool's idle connections so that the next borrow opens fresh ones. Used after
     * backends were terminated on purpose: a connection returned within the pool's
     * validation window is not re-checked, and would report the old termination.
     */
    public void evictConnections() {
        dataSource.getHikariPoolMXBean().softEvictConnections();
    }

    /** A short description for people: where the data is, never a password. */
    public String describe() {
        return embedded != null ? "embedded PostgreSQL on port " + embedded.port() : config.redactedUrl();
    }

    @Override
    public void close() {
        dataSource.close();
        if (embedded != null) {
            embedded.close();
        }
    }
}
