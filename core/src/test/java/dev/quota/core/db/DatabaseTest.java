package dev.quota.core.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quota.core.db.Database.Connections;
import dev.quota.core.persistence.PlainStatement;
import dev.quota.core.testing.FreshDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A database's connections as statements run as plain JDBC get them ({@link ConnectionSource}):
 * a one-shot command's one connection, shared with its Jdbi; a pool's, borrowed for the work
 * and given back.
 */
class DatabaseTest {

    private static final PlainStatement BACKEND = new PlainStatement("SELECT pg_backend_pid()");

    @RegisterExtension
    final FreshDatabase fresh = new FreshDatabase(config -> config.withPoolSize(2));

    private static int backendOf(Connection connection) {
        return BACKEND.one(connection, Map.of(), row -> row.getInt(1));
    }

    @Test
    void givenOneConnection_whenStatementsRunAsPlainJdbcAndThroughJdbi_thenEveryOneRunsOnThatConnection() {
        try (Database one = Database.open(fresh.config(), Connections.ONE)) {
            int first = one.withConnection(DatabaseTest::backendOf);

            int second = one.withConnection(DatabaseTest::backendOf);
            int throughJdbi = one.jdbi().withHandle(handle -> handle.createQuery("SELECT pg_backend_pid()").mapTo(Integer.class).one());

            assertThat(second).isEqualTo(first);
            assertThat(throughJdbi).isEqualTo(first);
        }
    }

    @Test
    void givenAConnection_whenOpened_thenItsApplicationNameCameWithTheLoginNotInAStatementAfterIt() {
        try (Database one = Database.open(fresh.config(), Connections.ONE)) {
            // 'client' for a startup parameter; a SET after the login would make it 'session'
            String source = one.withConnection(connection -> new PlainStatement(
                    "SELECT current_setting('application_name') || ' from ' || source FROM pg_settings WHERE name = 'application_name'")
                    .one(connection, Map.of(), row -> row.getString(1)));

            assertThat(source).isEqualTo("quota from client");
        }
    }

    @Test
    void givenAPool_whenWorkRunsOnAConnection_thenTheConnectionIsGivenBackAfterIt() throws SQLException {
        Connection borrowed = fresh.database().withConnection(connection -> {
            assertThat(backendOf(connection)).isPositive();
            return connection;
        });

        assertThat(borrowed.isClosed()).as("the pool's handle on it, once given back").isTrue();
    }
}
