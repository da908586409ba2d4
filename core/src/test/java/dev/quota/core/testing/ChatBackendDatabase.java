package dev.quota.core.testing;

import dev.quota.core.UserKeyType;
import dev.quota.core.db.Database;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit extension: a database of its own per test holding a chat product's tables as the
 * product's backend made them, not the toolkit: {@code layouts/chat-backend.sql} (integer
 * ids, messages reached through conversations) or {@code layouts/fastapi-template.sql} (the
 * FastAPI full-stack template's shape, keyed by uuid or by text). The read contract's views
 * are written by hand, as a DBA would ({@link #writeViews()}).
 */
public final class ChatBackendDatabase implements BeforeEachCallback, AfterEachCallback {

    private final String layout;
    private final Supplier<String> userKey;
    private String name;
    private Database database;

    /** The integer-keyed layout. */
    public ChatBackendDatabase() {
        this("chat-backend", () -> "integer");
    }

    private ChatBackendDatabase(String layout, Supplier<String> userKey) {
        this.layout = layout;
        this.userKey = userKey;
    }

    /**
     * The FastAPI template's layout with every user keyed by {@code keys}: uuid as the
     * template has it, text as {@code varchar(128)}. A supplier, so that a parameterized test
     * class can name the field its parameter is injected into.
     */
    public static ChatBackendDatabase fastApiTemplate(Supplier<UserKeyType> keys) {
        return new ChatBackendDatabase("fastapi-template",
                () -> keys.get() == UserKeyType.TEXT ? "varchar(128)" : keys.get().sqlType());
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        name = SharedPostgres.get().createEmptyDatabase();
        execute(resource("layouts/" + layout + ".sql").replace("${user_key}", userKey.get()));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (database != null) {
            database.close();
        }
        SharedPostgres.get().dropDatabase(name);
    }

    /** The three views of the read contract, as the docs' worked example writes them for this layout. */
    public void writeViews() {
        execute(resource("layouts/" + layout + "-views.sql"));
    }

    /** The JDBC URL, as the superuser who owns the product's tables. */
    public String url() {
        return SharedPostgres.get().config(name).jdbcUrl() + "?user=postgres";
    }

    /** The JDBC URL for logging in as {@code role} (the embedded server trusts local logins). */
    public String urlAs(String role) {
        return SharedPostgres.get().config(name).jdbcUrl() + "?user=" + role;
    }

    /** An open pool on it, closed after the test; the toolkit's schema must be there for reads through it. */
    public Database database() {
        if (database == null) {
            database = Database.open(SharedPostgres.get().config(name).withPoolSize(2));
        }
        return database;
    }

    /** Runs SQL as the product's owner, outside the toolkit: how tests plant rows and drift. */
    public void execute(String sql) {
        asOwner(sql, statement -> statement.execute(sql));
    }

    public long queryLong(String sql) {
        return asOwner(sql, statement -> {
            try (var rs = statement.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private interface StatementWork<T> {
        T apply(Statement statement) throws SQLException;
    }

    /** A statement on a connection of its own as the product's owner, outside every pool. */
    private <T> T asOwner(String sql, StatementWork<T> work) {
        try (Connection connection = DriverManager.getConnection(SharedPostgres.get().server().jdbcUrl(name), "postgres", null);
             Statement statement = connection.createStatement()) {
            return work.apply(statement);
        } catch (SQLException e) {
            throw new IllegalStateException("failed: " + sql, e);
        }
    }

    /**
     * Every relation of a schema with its full definition, from the catalog: columns (type,
     * default, nullability), constraints, indexes, triggers, owner and privileges. What
     * {@code pg_dump --schema-only} would show, in a form two snapshots compare by equality.
     */
    public List<String> definitions(String schema) {
        String sql = """
                SELECT c.relname || ' ' || CAST(c.relkind AS text) || ' owner=' || pg_get_userbyid(c.relowner) || ' acl=' || COALESCE(c.relacl::text, '')
                       || ' columns=' || COALESCE((SELECT string_agg(a.attname || ':' || format_type(a.atttypid, a.atttypmod)
                                        || ':' || a.attnotnull || ':' || COALESCE(pg_get_expr(d.adbin, d.adrelid), ''), ',' ORDER BY a.attnum)
                                   FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                                  WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), '')
                       || ' constraints=' || COALESCE((SELECT string_agg(k.conname || ':' || pg_get_constraintdef(k.oid), ',' ORDER BY k.conname)
                                   FROM pg_constraint k WHERE k.conrelid = c.oid), '')
                       || ' indexes=' || COALESCE((SELECT string_agg(pg_get_indexdef(i.indexrelid), ',' ORDER BY i.indexrelid::regclass::text)
                                   FROM pg_index i WHERE i.indrelid = c.oid), '')
                       || ' triggers=' || COALESCE((SELECT string_agg(t.tgname, ',' ORDER BY t.tgname)
                                   FROM pg_trigger t WHERE t.tgrelid = c.oid), '')
                  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = '%s'
                 ORDER BY c.relname
                """.formatted(schema);
        return asOwner(sql, statement -> {
            List<String> rows = new ArrayList<>();
            try (var rs = statement.executeQuery(sql)) {
                while (rs.next()) {
                    rows.add(rs.getString(1));
                }
            }
            return rows;
        });
    }

    private static String resource(String path) {
        try (InputStream in = ChatBackendDatabase.class.getClassLoader().getResourceAsStream(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
