package dev.quota.cli;

import dev.quota.core.QuotaMetrics;
import dev.quota.core.QuotaService;
import dev.quota.core.db.Database;
import dev.quota.core.strategy.ConsumptionStrategy;
import dev.quota.core.strategy.Strategies;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.Objects;

/** An open database with a service on it; the shell keeps one across commands. */
public final class Session implements AutoCloseable {

    private final String dbUrl;
    private final Database database;
    private final Clock clock;
    private QuotaService service;

    Session(String dbUrl, Database database, Clock clock) {
        this.dbUrl = dbUrl;
        this.database = database;
        this.clock = clock;
    }

    boolean serves(String url) {
        return Objects.equals(dbUrl, url);
    }

    public Database database() {
        return database;
    }

    public QuotaService service(String strategyName) {
        if (service == null || !service.strategy().name().equals(strategyName)) {
            ConsumptionStrategy strategy = Strategies.named(strategyName);
            service = new QuotaService(database.jdbi(), strategy, clock,
                    new QuotaMetrics(new SimpleMeterRegistry(), strategy.name()));
        }
        return service;
    }

    @Override
    public void close() {
        database.close();
    }
}
