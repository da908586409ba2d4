package dev.quota.core.db;

import dev.quota.core.QuotaException;
import dev.quota.core.persistence.ColonParameterParser;
import dev.quota.core.persistence.UserKeyPlugin;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.NoTemplateEngine;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * An open database: a connection pool ({@link Connections#POOL}), or the one connection a
 * command running its statements one after another needs ({@link Connections#ONE}); for the
 * embedded default, the server behind it too. Statements run through its Jdbi, configured on
 * first use, or as plain JDBC on its connections ({@link ConnectionSource}): a one-shot read
 * never configures Jdbi. Lock and statement timeouts are set per connection at login (libpq
 * {@code options}), so they cost no round trip per transaction.
 */
public final class Database implements AutoCloseable, ConnectionSource {

    /** What a caller needs of the database's connections. */
    public enum Connections {
        /**
         * One connection, opened now and held until {@link #close()}; every handle shares it,
         * so it serves one thread at a time: a support command. No pool is loaded, which a
         * command that runs a few statements would spend more time starting than using.
         */
        ONE,
        /** A pool (HikariCP) for callers that run statements concurrently. */
        POOL
    }

    private final DatabaseConfig config;
    private final DataSource dataSource;
    private final Connections connections;
    /** What {@link #close()} releases: the one connection, or the pool. */
    private final AutoCloseable resources;
    /** The one connection ({@link Connections#ONE}); null on a pool. */
    private final Connection connection;
    private final EmbeddedDatabase embedded;
    private Jdbi jdbi;

    private Database(DatabaseConfig config, DataSource dataSource, Connections connections, AutoCloseable resources, Connection connection,
                     EmbeddedDatabase embedded) {
        this.config = config;
        this.dataSource = dataSource;
        this.connections = connections;
        this.resources = resources;
        this.connection = connection;
        this.embedded = embedded;
    }

    /**
     * {@code jdbi} as every Jdbi of the toolkit is configured: SQL objects,
     * user keys of any type, and statements taken as written: {@code :name} parameters parsed
     * without Jdbi's ANTLR lexer ({@link ColonParameterParser}), no {@code <attribute>} templates.
     */
    public static Jdbi withPlugins(Jdbi jdbi) {
        return jdbi.setSqlParser(new ColonParameterParser()).setTemplateEngine(new NoTemplateEngine())
                .installPlugin(new SqlObjectPlugin()).installPlugin(new UserKeyPlugin());
    }

    /** A pool on {@code config}. */
    public static Database open(DatabaseConfig config) {
        return open(config, Connections.POOL, null);
    }

    /** One connection or a pool on {@code config}, as {@code connections} says. */
    public static Database open(DatabaseConfig config, Connections connections) {
        return open(config, connections, null);
    }

    /**
     * The database named by {@code explicitUrl}/the environment, or else the embedded default
     * under {@code $QUOTA_HOME}, with the stand-in tables installed on first use (always on a
     * pool: the stand-in's installer needs one, and the server's start dwarfs it).
     */
    public static Database openDefault(String explicitUrl, Map<String, String> env, Connections connections) {
        var external = DatabaseConfig.resolve(explicitUrl, env);
        if (external.isPresent()) {
            return open(external.get().tunedBy(env), connections, null);
        }
        Path dataDirectory = EmbeddedDatabase.home(env).resolve("pgdata");
        EmbeddedDatabase server = EmbeddedDatabase.start(dataDirectory);
        try {
            Database database = open(server.config().tunedBy(env), Connections.POOL, server);
            StandIn.installIfBehind(database);
            return database;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    private static Database open(DatabaseConfig config, Connections connections, EmbeddedDatabase embedded) {
        PGSimpleDataSource driver = driverDataSource(config);
        try {
            if (connections == Connections.ONE) {
                Connection connection = driver.getConnection();
                return new Database(config, driver, connections, connection, connection, embedded);
            }
            DataSource pool = ConnectionPool.over(driver, config);
            return new Database(config, pool, connections, (AutoCloseable) pool, null, embedded);
        } catch (SQLException | RuntimeException e) {
            QuotaException error = SqlStates.translate(e);
            throw new QuotaException(error.code(), "cannot connect to " + config.redactedUrl() + ": "
                    + rootCause(e), error.details(), null, e);
        }
    }

    /** The driver's connections as {@code config} asks for them: the one place their settings are made. */
    private static PGSimpleDataSource driverDataSource(DatabaseConfig config) {
        PGSimpleDataSource driver = new PGSimpleDataSource();
        driver.setURL(config.jdbcUrl());
        if (config.user() != null) {
            driver.setUser(config.user());
        }
        if (config.password() != null) {
            driver.setPassword(config.password());
        }
        driver.setConnectTimeout((int) Math.max(1, config.connectTimeout().toSeconds()));
        driver.setApplicationName("quota");
        // every server the toolkit runs on is 9.0 or later: the driver then sends the
        // application's name with its login instead of a SET after it, one round trip less
        driver.setAssumeMinServerVersion("9.0");
        driver.setReWriteBatchedInserts(true);
        driver.setTcpKeepAlive(true);
        driver.setOptions("-c lock_timeout=" + config.lockTimeout().toMillis()
                + " -c statement_timeout=" + config.statementTimeout().toMillis() + " -c TimeZone=UTC");
        // the toolkit's schema first: its views, then the product's tables (Schemas)
        driver.setCurrentSchema(config.schemas().searchPath());
        return driver;
    }

    private static String rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage().lines().findFirst().orElse("");
    }

    /** Its Jdbi, on its one connection or its pool, configured on first use ({@link #withPlugins}). */
    public synchronized Jdbi jdbi() {
        if (jdbi == null) {
            jdbi = withPlugins(connection != null ? Jdbi.create(connection) : Jdbi.create(dataSource));
        }
        return jdbi;
    }

    /**
     * {@code work} on the one connection, or on one borrowed from the pool for it. A
     * connection the pool cannot give is {@code database_unavailable}, as Jdbi's would be.
     */
    @Override
    public <T> T withConnection(Work<T> work) {
        if (connection != null) {
            return work.run(connection);
        }
        try (Connection borrowed = dataSource.getConnection()) {
            return work.run(borrowed);
        } catch (SQLException e) {
            throw SqlStates.translate(e);
        }
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public DatabaseConfig config() {
        return config;
    }

    /** One connection or a pool: what it was opened with (the embedded default is always a pool). */
    public Connections connections() {
        return connections;
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
        ConnectionPool.evict(dataSource);
    }

    /** A short description for people: where the data is, never a password. */
    public String describe() {
        return embedded != null ? "embedded PostgreSQL on port " + embedded.port() : config.redactedUrl();
    }

    @Override
    public void close() {
        try {
            resources.close();
        } catch (Exception e) {
            // closing: a connection the server already dropped has nothing left to release
        }
        if (embedded != null) {
            embedded.close();
        }
    }
}
