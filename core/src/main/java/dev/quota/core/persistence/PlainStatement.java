package dev.quota.core.persistence;

import dev.quota.core.UserKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.statement.ParsedSql;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * A statement written with named parameters like the SqlObject DAOs, run as plain JDBC on a
 * connection: the chat's hot path, and the reads of a one-shot support command. Profiling
 * (docs/bench.md) found Jdbi's per-call argument binding and row-mapper lookup costing the
 * client more CPU than pgjdbc's own work, CPU that PostgreSQL needs when both share a small
 * machine; and Jdbi's configuration, SQL objects and the flight-recorder events it registers
 * cost {@code quota show} more time than its statements (docs/bench.md, "Start-up"). The
 * named SQL is translated to JDBC's positional form once, by the toolkit's parser of Jdbi's
 * syntax ({@link ColonParameterParser}); values are still bound, never formatted into the SQL.
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
        ParsedSql parsed = ColonParameterParser.parse(namedSql);
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

    /** As {@link #queryFirst}, every row read into a list, in the statement's order. */
    public <T> List<T> list(Connection connection, Map<String, ?> values, RowReader<T> reader) {
        return queryAll(connection, values, rows -> {
            List<T> read = new ArrayList<>();
            while (rows.next()) {
                read.add(reader.read(rows));
            }
            return read;
        });
    }

    /** As {@link #queryFirst}, for a statement that always returns a row (an aggregate, a scalar). */
    public <T> T one(Connection connection, Map<String, ?> values, RowReader<T> reader) {
        return queryFirst(connection, values, reader).orElseThrow(() -> new IllegalStateException("no row from: " + sql));
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

    /** A {@code timestamptz} column as an instant; null when it is. */
    public static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static Object sqlValue(Connection connection, Object value) throws SQLException {
        if (value instanceof String[] texts) {
            return connection.createArrayOf("text", texts);
        }
        if (value instanceof Long[] numbers) {
            return connection.createArrayOf("bigint", numbers);
        }
        if (value instanceof KeyArray keys) {
            return keys.toSql(connection);
        }
        return value instanceof UserKey key ? key.sqlValue() : value;
    }
}
