package dev.quota.core.db;

import java.sql.Connection;
import org.jdbi.v3.core.Jdbi;

/**
 * Where statements run as plain JDBC ({@code PlainStatement}) get their connection: a
 * {@link Database} (its one connection, or one borrowed from its pool), or a Jdbi's handle.
 * Through a Database, a one-shot support command reads without Jdbi ever being configured,
 * which is most of its start-up otherwise (docs/bench.md, "Start-up").
 */
public interface ConnectionSource {

    /** Work on a connection that is the source's to close: the work must not close it. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection);
    }

    <T> T withConnection(Work<T> work);

    /** The connections of {@code jdbi}'s handles, one handle per call. */
    static ConnectionSource of(Jdbi jdbi) {
        return new OfJdbi(jdbi);
    }

    /** Apart from the interface, so that a caller that never asks for it does not link Jdbi. */
    final class OfJdbi implements ConnectionSource {
        private final Jdbi jdbi;

        private OfJdbi(Jdbi jdbi) {
            this.jdbi = jdbi;
        }

        @Override
        public <T> T withConnection(Work<T> work) {
            return jdbi.withHandle(handle -> work.run(handle.getConnection()));
        }
    }
}
