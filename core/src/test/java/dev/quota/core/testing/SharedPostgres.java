package dev.quota.core.testing;

import dev.quota.core.UserKeyType;
import dev.quota.core.db.Database;
import dev.quota.core.db.DatabaseConfig;
import dev.quota.core.db.EmbeddedDatabase;
import dev.quota.core.db.StandIn;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One embedded PostgreSQL per test JVM, shared by every test. The schema is migrated once
 * into a template database; each test gets its own database cloned from it, which is
 * faster than migrating and cleaner than truncating.
 */
public final class SharedPostgres {

    private static final String TEMPLATE = "quota_template";
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static volatile SharedPostgres instance;

    private final EmbeddedDatabase server;
    private final Map<UserKeyType, String> templates = new ConcurrentHashMap<>();

    private SharedPostgres() {
        // durability is not under test: trade it for speed on the 2-core CI machine
        this.server = EmbeddedDatabase.startEphemeral(Map.of(
                "fsync", "off",
                "synchronous_commit", "off",
                "full_page_writes", "off",
                "max_connections", "300"));
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "shared-postgres-stop"));
    }

    public static SharedPostgres get() {
        if (instance == null) {
            synchronized (SharedPostgres.class) {
                if (instance == null) {
                    instance = new SharedPostgres();
                }
            }
        }
        return instance;
    }

    public EmbeddedDatabase server() {
        return server;
    }

    /** A new, migrated, empty database of its own, its users keyed by whole numbers. */
    public String createDatabase() {
        return createDatabase(UserKeyType.WHOLE_NUMBER);
    }

    /** A new, migrated, empty database of its own, on the stand-in with users keyed by {@code keys}. */
    public String createDatabase(UserKeyType keys) {
        String name = "quota_test_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
        execute("postgres", "CREATE DATABASE " + name + " TEMPLATE " + template(keys) + " STRATEGY FILE_COPY");
        return name;
    }

    /** The template of a layout, migrated once per test JVM on first use. */
    private String template(UserKeyType keys) {
        return templates.computeIfAbsent(keys, k -> {
            String name = TEMPLATE + (k == UserKeyType.WHOLE_NUMBER ? "" : "_" + k.sqlType());
            execute("postgres", "CREATE DATABASE " + name);
            try (Database template = Database.open(config(name).withPoolSize(2))) {
                StandIn.install(template, k);
            }
            return name;
        });
    }

    /** An empty database without the quota schema, for migration tests. */
    public String createEmptyDatabase() {
        String name = "quota_empty_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
        execute("postgres", "CREATE DATABASE " + name);
        return name;
    }

    public void dropDatabase(String name) {
        execute("postgres", "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    public DatabaseConfig config(String database) {
        return DatabaseConfig.of(server.jdbcUrl(database), "postgres", null);
    }

    public void execute(String database, String sql) {
        try (Connection connection = DriverManager.getConnection(server.jdbcUrl(database), "postgres", null);
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("failed: " + sql, e);
        }
    }
}
