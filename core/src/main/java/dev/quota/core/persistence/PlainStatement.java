package dev.quota.core.persistence;

import dev.quota.core.UserKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.statement.ColonPrefixSqlParser;
import org.jdbi.v3.core.statement.ParsedSql;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * A statement of the chat's hot path: written with named parameters like the SqlObject DAOs,
 * run as plain JDBC. Profiling (docs/bench.md) found Jdbi's per-call argument binding and
 * row-mapper lookup costing the client more CPU than pgjdbc's own work, CPU that PostgreSQL
 * needs when both share a small machine. The named SQL is translated to JDBC's positional
 * form once, by Jdbi's own parser; values are still bound, never formatted into the SQL.
 */
public final class PlainStatement {

    /** Reads one result row into a value. */
    @FunctionalInterface
    public interface RowReader<T> {
        T read(ResultSet row) throws SQLException;
    }

    private final String sql;
    private final List<String> names;

    public PlainStatement(String namedSql) {
        ParsedSql parsed = new ColonPrefixSqlParser().parse(namedSql, null);
        this.sql = parsed.getSql();
        this.names = parsed.getParameters().getParameterNames();
    }

    /**
     * Runs the statement with every named parameter bound from {@code values} ({@code String[]}
     * as a SQL text array) and reads its first row; empty when it returns none. A database
     * failure comes out as Jdbi's, like every other statement's: a strategy that retries
     * (serializable) sees the database's own SQLSTATE, and the service's edge translates it.
     */
    public <T> Optional<T> queryFirst(Connection connection, Map<String, ?> values, RowReader<T> reader) {
        return queryAll(connection, values, rows -> rows.next() ? Optional.of(reader.read(rows)) : Optional.empty());
    }

    /**
     * As {@link #queryFirst}, handing the whole result to {@code reader}, which moves through
     * it with {@code next()}. Primitive arrays ({@code long[]}, {@code int[]}) bind as SQL arrays, a {@link UserKey} as its
     * value and a {@link KeyArray} as an array of the keys' type.
     */
    public <T> T queryAll(Connection connection, Map<String, ?> values, RowReader<T> reader) {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i);
                if (!values.containsKey(name)) {
                    throw new IllegalArgumentException("no value for :" + name);
                }
                statement.setObject(i + 1, sqlValue(connection, values.get(name)));
            }
            try (ResultSet rows = statement.executeQuery()) {
                return reader.read(rows);
            }
        } catch (SQLException e) {
            throw new UnableToExecuteStatementException(e, null);
        }
    }

    private static Object sqlValue(Connection connection, Object value) throws SQLException {
        if (value instanceof String[] texts) {
            return connection.createArrayOf("text", texts);
        }
        if (value instanceof KeyArray keys) {
            return keys.toSql(connection);
        }
        return value instanceof UserKey key ? key.sqlValue() : value;
    }
}
