package dev.quota.core.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.statement.ColonPrefixSqlParser;
import org.jdbi.v3.core.statement.ParsedSql;

/**
 * A statement of the chat's hot path: written with named parameters like the SqlObject DAOs,
 * run as plain JDBC. Profiling (docs/bench.md) found Jdbi's per-call argument binding and
 * row-mapper lookup costing the client more CPU than pgjdbc's own work, CPU that PostgreSQL
 * needs when both share a small machine. The named SQL is translated to JDBC's positional
 * form once, by Jdbi's own parser; values are still bound, never formatted into the SQL.
 */
public final class PlainStatement {

    private final String sql;
    private final List<String> names;

    public PlainStatement(String namedSql) {
        ParsedSql parsed = new ColonPrefixSqlParser().parse(namedSql, null);
        this.sql = parsed.getSql();
        this.names = parsed.getParameters().getParameterNames();
    }

    /** A prepared statement with every named parameter bound from {@code values}; the caller closes it. */
    public PreparedStatement prepare(Connection connection, Map<String, ?> values) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        try {
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i);
                if (!values.containsKey(name)) {
                    throw new IllegalArgumentException("no value for :" + name);
                }
                statement.setObject(i + 1, values.get(name));
            }
            return statement;
        } catch (SQLException | RuntimeException e) {
            statement.close();
            throw e;
        }
    }
}
