package dev.quota.core.db;

import dev.quota.core.ErrorCode;
import dev.quota.core.QuotaException;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;

/** Creates and upgrades the schema from the versioned migrations in {@code db/migration}. */
public final class SchemaMigrator {

    public static final String LOCATION = "classpath:db/migration";

    private final Flyway flyway;

    public SchemaMigrator(DataSource dataSource, String schema) {
        var configuration = Flyway.configure()
                .dataSource(dataSource)
                .locations(LOCATION)
                // the tables may already exist when pointed at the chat backend's database
                .baselineOnMigrate(false);
        if (schema != null) {
            configuration.schemas(schema).defaultSchema(schema).createSchemas(true);
        }
        this.flyway = configuration.load();
    }

    /** Applies the pending migrations; returns how many ran. */
    public int migrate() {
        try {
            MigrateResult result = flyway.migrate();
            return result.migrationsExecuted;
        } catch (FlywayException e) {
            throw new QuotaException(ErrorCode.SCHEMA_MISMATCH, "schema migration failed: " + e.getMessage(), Map.of(), null, e);
        }
    }

    /** The schema version applied, or null when the database has none. */
    public String currentVersion() {
        var current = flyway.info().current();
        return current == null ? null : current.getVersion().getVersion();
    }

    /**
     * Migrates only when the database is behind: a cheap look at Flyway's history table
     * first, so that a command run against an up-to-date database does not pay for
     * Flyway's classpath scan on every start.
     */
    public static void migrateIfBehind(org.jdbi.v3.core.Jdbi jdbi, DataSource dataSource, String schema) {
        boolean current = jdbi.withHandle(handle -> {
            boolean hasHistory = handle.createQuery("SELECT to_regclass('flyway_schema_history') IS NOT NULL")
                    .mapTo(Boolean.class).one();
            return hasHistory && handle.createQuery(
                            "SELECT count(*) FROM flyway_schema_history WHERE success AND version IS NOT NULL")
                    .mapTo(Integer.class).one() >= SchemaCheck.MIGRATIONS.size();
        });
        if (!current) {
            new SchemaMigrator(dataSource, schema).migrate();
        }
    }

}
