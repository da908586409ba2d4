package dev.quota.reconciler;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.springframework.batch.infrastructure.item.database.JdbcCursorItemReader;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.support.SQLExceptionTranslator;
import org.springframework.jdbc.support.SQLStateSQLExceptionTranslator;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.TransactionDefinition;

/**
 * The job runs on the caller's connection pool, whose connections carry the interactive
 * statement timeout ({@code QUOTA_STATEMENT_TIMEOUT_MS}); a partition's first fetch
 * aggregates its whole range and may legitimately take longer. Each of the job's
 * transactions lifts the timeout with {@code SET LOCAL}, which ends with the transaction, so
 * a connection goes back to the pool as it came.
 */
final class JobStatements {

    private static final String NO_TIMEOUT = "SET LOCAL statement_timeout = 0";
    private static final SQLExceptionTranslator BY_SQL_STATE = new SQLStateSQLExceptionTranslator();

    private JobStatements() {
    }

    static void liftTimeout(Connection connection) {
        try (Statement statement = connection.createStatement()) {
            statement.execute(NO_TIMEOUT);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot lift the statement timeout for the reconciliation", e);
        }
    }

    /** Chunk transactions. */
    static final class TransactionManager extends JdbcTransactionManager {
        TransactionManager(DataSource dataSource) {
            super(dataSource);
        }

        @Override
        protected void prepareTransactionalConnection(Connection connection, TransactionDefinition definition) throws SQLException {
            super.prepareTransactionalConnection(connection, definition);
            liftTimeout(connection);
        }
    }

    /** The streaming read of a partition, in the reader's own transaction. Not final: the step scope proxies it. */
    static class CursorReader<T> extends JdbcCursorItemReader<T> {
        CursorReader(DataSource dataSource, String sql, RowMapper<T> mapper) {
            super(dataSource, sql, mapper);
        }

        /**
         * By SQLSTATE: Spring's default translator reads its error codes from XML whose schema
         * it may fetch from the network, and offline a planner's refusal became "database unavailable".
         */
        @Override
        protected SQLExceptionTranslator getExceptionTranslator() {
            return BY_SQL_STATE;
        }

        @Override
        protected void openCursor(Connection connection) {
            liftTimeout(connection);
            super.openCursor(connection);
        }
    }
}
