package dev.quota.core.db;

import dev.quota.core.QuotaException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Where and how to connect. Accepts a JDBC URL or a libpq URI
 * ({@code postgresql://user@host:port/db}), or the libpq {@code PG*} variables. A password
 * comes only from the URL, {@code PGPASSWORD} or {@code ~/.pgpass} (read by the driver),
 * and is never part of {@link #toString()} or {@link #redactedUrl()}.
 */
public record DatabaseConfig(
        String jdbcUrl,
        String user,
        String password,
        Schemas schemas,
        int poolSize,
        Duration connectTimeout,
        Duration lockTimeout,
        Duration statementTimeout) {

    public static final String URL_VARIABLE = "QUOTA_DB_URL";
    /** A hot standby of that database, for the commands that only read. */
    public static final String READ_URL_VARIABLE = "QUOTA_READ_URL";
    public static final int DEFAULT_POOL_SIZE = 10;

    /**
     * A pool for many concurrent callers on this machine: HikariCP's rule of thumb, about
     * two connections per core. More connections than that only add lock and CPU
     * contention in the server: measured on 2 cores, 16 callers on a hot user ran about
     * 50% faster through 4 connections than through 16 (see docs/bench.md).
     */
    public static int poolSizeForConcurrency(int callers) {
        return Math.max(1, Math.min(callers, Math.max(4, 2 * Runtime.getRuntime().availableProcessors())));
    }
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofSeconds(30);

    private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)(password=)[^&;]*");

    public DatabaseConfig {
        if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw QuotaException.invalidInput("not a PostgreSQL JDBC URL: " + redact(String.valueOf(jdbcUrl)));
        }
        if (schemas == null) {
            throw QuotaException.invalidInput("no schemas given");
        }
        if (poolSize < 1) {
            throw QuotaException.invalidInput("pool size must be at least 1");
        }
    }

    /** A JDBC URL or libpq URI, with the default pool and timeouts. */
    public static DatabaseConfig parse(String url) {
        if (url == null || url.isBlank()) {
            throw QuotaException.invalidInput("database URL is empty");
        }
        String text = url.strip();
        if (text.startsWith("jdbc:postgresql:")) {
            return of(text, null, null);
        }
        if (text.startsWith("postgresql://") || text.startsWith("postgres://")) {
            return fromLibpqUri(text);
        }
        throw QuotaException.invalidInput("unsupported database URL '" + redact(text)
                + "': use jdbc:postgresql://host:port/db or postgresql://user@host:port/db");
    }

    public static DatabaseConfig of(String jdbcUrl, String user, String password) {
        return new DatabaseConfig(jdbcUrl, user, password, Schemas.DEFAULT, DEFAULT_POOL_SIZE,
                DEFAULT_CONNECT_TIMEOUT, DEFAULT_LOCK_TIMEOUT, DEFAULT_STATEMENT_TIMEOUT);
    }

    /**
     * The read URL: an explicit one, else {@code QUOTA_READ_URL}; empty means "read where
     * you write". Never the embedded default nor the {@code PG*} variables, which name the primary.
     */
    public static Optional<DatabaseConfig> resolveReads(String explicitUrl, Map<String, String> env) {
        String url = explicitUrl != null && !explicitUrl.isBlank() ? explicitUrl : env.get(READ_URL_VARIABLE);
        return url == null || url.isBlank() ? Optional.empty() : Optional.of(withEnvPassword(parse(url), env));
    }

    /**
     * The database named by an explicit URL, else {@code QUOTA_DB_URL}, else the libpq
     * {@code PG*} variables; empty means "use the embedded default".
     */
    public static Optional<DatabaseConfig> resolve(String explicitUrl, Map<String, String> env) {
        if (explicitUrl != null && !explicitUrl.isBlank()) {
            return Optional.of(withEnvPassword(parse(explicitUrl), env));
        }
        String fromVariable = env.get(URL_VARIABLE);
        if (fromVariable != null && !fromVariable.isBlank()) {
            return Optional.of(withEnvPassword(parse(fromVariable), env));
        }
        if (env.containsKey("PGHOST") || env.containsKey("PGDATABASE") || env.containsKey("PGPORT") || env.containsKey("PGUSER")) {
            String host = env.getOrDefault("PGHOST", "localhost");
            String port = env.getOrDefault("PGPORT", "5432");
            String user = env.getOrDefault("PGUSER", System.getProperty("user.name"));
            String database = env.getOrDefault("PGDATABASE", user);
            if (!port.chars().allMatch(Character::isDigit) || port.isEmpty()) {
                throw QuotaException.invalidInput("PGPORT '" + port + "' is not a port number");
            }
            String hostPart = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
            return Optional.of(of("jdbc:postgresql://" + hostPart + ":" + port + "/" + database, user, env.get("PGPASSWORD")));
        }
        return Optional.empty();
    }

    private static DatabaseConfig withEnvPassword(DatabaseConfig config, Map<String, String> env) {
        if (config.password() == null && env.get("PGPASSWORD") != null && !PASSWORD_PARAM.matcher(config.jdbcUrl()).find()) {
            return new DatabaseConfig(config.jdbcUrl(), config.user(), env.get("PGPASSWORD"), config.schemas(), config.poolSize(),
                    config.connectTimeout(), config.lockTimeout(), config.statementTimeout());
        }
        return config;
    }

    private static DatabaseConfig fromLibpqUri(String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw QuotaException.invalidInput("malformed database URL '" + redact(text) + "': " + e.getReason());
        }
        String user = null;
        String password = null;
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
        }
        String host = uri.getHost() == null ? "localhost" : uri.getHost();
        int port = uri.getPort() < 0 ? 5432 : uri.getPort();
        String path = uri.getRawPath() == null || uri.getRawPath().length() <= 1 ? null : decode(uri.getRawPath().substring(1));
        String database = path != null ? path : (user != null ? user : System.getProperty("user.name"));
        StringBuilder jdbc = new StringBuilder("jdbc:postgresql://").append(host).append(':').append(port).append('/').append(database);
        if (uri.getRawQuery() != null && !uri.getRawQuery().isEmpty()) {
            jdbc.append('?').append(uri.getRawQuery());
        }
        return of(jdbc.toString(), user, password);
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }

    /**
     * This configuration with the pool and timeouts of the environment, when set:
     * {@code QUOTA_POOL_SIZE}, {@code QUOTA_LOCK_TIMEOUT_MS}, {@code QUOTA_STATEMENT_TIMEOUT_MS},
     * and its schemas from {@code QUOTA_PRODUCT_SCHEMA} and {@code QUOTA_SCHEMA}.
     */
    public DatabaseConfig tunedBy(Map<String, String> env) {
        return new DatabaseConfig(jdbcUrl, user, password, Schemas.from(env),
                (int) positive(env, "QUOTA_POOL_SIZE", poolSize),
                connectTimeout,
                Duration.ofMillis(positive(env, "QUOTA_LOCK_TIMEOUT_MS", lockTimeout.toMillis())),
                Duration.ofMillis(positive(env, "QUOTA_STATEMENT_TIMEOUT_MS", statementTimeout.toMillis())));
    }

    private static long positive(Map<String, String> env, String name, long fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            long parsed = Long.parseLong(value.strip());
            if (parsed < 1 || parsed > Integer.MAX_VALUE) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw QuotaException.invalidInput(name + " must be a positive whole number, got '" + value + "'");
        }
    }

    public DatabaseConfig withSchemas(Schemas newSchemas) {
        return new DatabaseConfig(jdbcUrl, user, password, newSchemas, poolSize, connectTimeout, lockTimeout, statementTimeout);
    }

    public DatabaseConfig withPoolSize(int size) {
        return new DatabaseConfig(jdbcUrl, user, password, schemas, size, connectTimeout, lockTimeout, statementTimeout);
    }

    public DatabaseConfig withTimeouts(Duration connect, Duration lock, Duration statement) {
        return new DatabaseConfig(jdbcUrl, user, password, schemas, poolSize, connect, lock, statement);
    }

    /**
     * The user and password as pgjdbc's connection properties, for a plain connection outside
     * the toolkit's pool (a simulated backend's, an administrator's): the server's own defaults,
     * none of the toolkit's timeouts.
     */
    public Properties login() {
        Properties login = new Properties();
        if (user != null) {
            login.setProperty("user", user);
        }
        if (password != null) {
            login.setProperty("password", password);
        }
        return login;
    }

    /** The URL as it may be shown to a person or written to a log. */
    public String redactedUrl() {
        return redact(jdbcUrl) + (user == null ? "" : " (user " + user + ")");
    }

    static String redact(String url) {
        return PASSWORD_PARAM.matcher(url.replaceAll("//([^/@:]*):[^/@]*@", "//$1:***@")).replaceAll("$1***");
    }

    @Override
    public String toString() {
        return "DatabaseConfig[" + redactedUrl() + ", schemas " + schemas.searchPath() + ", pool " + poolSize + "]";
    }
}
