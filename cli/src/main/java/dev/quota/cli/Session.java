package dev.quota.cli;

import dev.quota.core.service.AdjustmentService;
import dev.quota.core.service.ChatService;
import dev.quota.core.service.HoldService;
import dev.quota.core.service.QuotaMetrics;
import dev.quota.core.service.ReportService;
import dev.quota.core.db.Database;
import dev.quota.core.db.Database.Connections;
import dev.quota.core.db.DeploymentSettings;
import dev.quota.core.db.ReadContract;
import dev.quota.core.strategy.ChatPath;
import dev.quota.core.strategy.Strategies;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.Objects;

/**
 * An open database with the use cases on it; the shell keeps one across commands. It owns
 * the chat path it opened (a strategy may own threads) and closes it with itself, or when a
 * command asks for another strategy.
 */
public final class Session implements AutoCloseable {

    private final String dbUrl;
    private final Database database;
    private final Clock clock;
    private ChatPath path;
    private ChatService chat;
    private boolean usable;

    Session(String dbUrl, Database database, Clock clock) {
        this.dbUrl = dbUrl;
        this.database = database;
        this.clock = clock;
    }

    /** Whether this session is on {@code url} with what {@code need} asks: a pool serves every need. */
    boolean serves(String url, Connections need) {
        return Objects.equals(dbUrl, url) && (database.connections() == Connections.POOL || need == Connections.ONE);
    }

    public Database database() {
        return database;
    }

    /** The database server's clock (or the one a test fixed). */
    public Clock clock() {
        return clock;
    }

    /**
     * Fails unless the database holds the quota tables this release reads (the schema's
     * version, then the read contract's columns and indexes): once a session, so that the
     * shell runs its commands without those four catalog queries each. A database changed
     * under an open shell answers each command with its own errors.
     */
    void requireUsable() {
        if (!usable) {
            // catalog queries only, not Flyway: a command on a usable database pays a few milliseconds
            database.withConnection(connection -> {
                ReadContract.requireUsable(connection, database.config().schemas());
                return null;
            });
            usable = true;
        }
    }

    /** The chat path of the named strategy; only {@code consume} needs one. */
    public ChatService chat(String strategyName) {
        String name = Strategies.canonical(strategyName);
        if (chat == null || !chat.strategy().equals(name)) {
            database.jdbi().withHandle(DeploymentSettings::read).requireStandIn("quota consume");
            closePath();
            path = Strategies.open(name, database.jdbi());
            chat = new ChatService(database.jdbi(), path, clock, new QuotaMetrics(new SimpleMeterRegistry(), name));
        }
        return chat;
    }

    public AdjustmentService adjustments() {
        return new AdjustmentService(database.jdbi(), clock);
    }

    public ReportService reports() {
        return new ReportService(database, clock);
    }

    public HoldService holds() {
        return new HoldService(database.jdbi(), clock);
    }

    private void closePath() {
        if (path != null) {
            path.close();
            path = null;
            chat = null;
        }
    }

    @Override
    public void close() {
        try {
            closePath();
        } finally {
            database.close();
        }
    }
}
