package dev.quota.reconciler;

import java.sql.Connection;
import javax.sql.DataSource;
import org.jdbi.v3.core.ConnectionFactory;
import org.springframework.jdbc.datasource.DataSourceUtils;

/**
 * Hands Jdbi the connection of the current Spring transaction (the chunk's), so that the
 * core's SQL objects write in the same transaction as the step's bookkeeping.
 */
final class SpringManagedConnections implements ConnectionFactory {

    private final DataSource dataSource;

    SpringManagedConnections(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public Connection openConnection() {
        return DataSourceUtils.getConnection(dataSource);
    }

    @Override
    public void closeConnection(Connection connection) {
        DataSourceUtils.releaseConnection(connection, dataSource);
    }
}
