package dev.quota.core.db;

import dev.quota.core.persistence.PlainStatement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.function.LongSupplier;
import org.jdbi.v3.core.Jdbi;

/**
 * The database server's clock, the one that decides "today" for the toolkit as it does for
 * the SQL API and for the product's {@code DEFAULT now()}: a host whose clock is off changes
 * no answer. The server's time is read once, on first use, and then advanced by the host's
 * monotonic clock, which measures elapsed time without caring what the host thinks the date
 * is; a command costs one round trip, and only if it asks the time.
 */
public final class ServerClock extends Clock {

    private static final PlainStatement NOW = new PlainStatement("SELECT clock_timestamp()");

    private final ConnectionSource connections;
    private final LongSupplier nanoTime;
    private volatile Sample sample;

    private record Sample(Instant server, long nanos) {
    }

    private ServerClock(ConnectionSource connections, LongSupplier nanoTime) {
        this.connections = connections;
        this.nanoTime = nanoTime;
    }

    /** The clock of the server behind {@code database}. */
    public static Clock of(Database database) {
        return new ServerClock(database, System::nanoTime);
    }

    /** The clock of the server behind {@code jdbi}. */
    public static Clock of(Jdbi jdbi) {
        return new ServerClock(ConnectionSource.of(jdbi), System::nanoTime);
    }

    @Override
    public Instant instant() {
        Sample taken = sample;
        if (taken == null) {
            taken = take();
        }
        return taken.server().plusNanos(nanoTime.getAsLong() - taken.nanos());
    }

    private synchronized Sample take() {
        if (sample == null) {
            try {
                // clock_timestamp(), not now(): the time of this read, not of a transaction's start
                Instant server = connections.withConnection(connection -> NOW.one(connection, Map.of(),
                        row -> PlainStatement.instant(row, "clock_timestamp")));
                sample = new Sample(server, nanoTime.getAsLong());
            } catch (RuntimeException e) {
                throw SqlStates.translate(e);
            }
        }
        return sample;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the quota day is UTC: the server's clock has no other zone");
    }
}
