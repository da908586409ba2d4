package dev.quota.bench.startup;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;

/**
 * The floor of {@code quota show}: what the JVM and the driver alone need to print the same
 * user's day, one connection and one query of the SQL API ({@code quota.status}), nothing
 * else. scripts/measure-show compiles it on its own (the driver is its only class path) and
 * times the CLI as a ratio to it.
 *   BareJdbcShow JDBC_URL USER_ID
 */
public final class BareJdbcShow {

    private BareJdbcShow() {
    }

    public static void main(String[] args) throws SQLException {
        try (Connection connection = DriverManager.getConnection(args[0]);
             PreparedStatement status = connection.prepareStatement("SELECT * FROM quota.status(CAST(? AS bigint))")) {
            status.setString(1, args[1]);
            try (ResultSet row = status.executeQuery()) {
                ResultSetMetaData columns = row.getMetaData();
                while (row.next()) {
                    for (int i = 1; i <= columns.getColumnCount(); i++) {
                        System.out.println(columns.getColumnName(i) + " " + row.getString(i));
                    }
                }
            }
        }
    }
}
