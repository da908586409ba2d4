package dev.quota.core.db;

import dev.quota.core.ErrorCode;
import dev.quota.core.QuotaException;
import dev.quota.core.UserKeyType;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * The stand-in for the chat product's tables (users, plans, subscriptions, counters,
 * messages) that the embedded default, the demo, the simulator, the bench and the tests run
 * on, so that a new user sees everything work with no product database at hand. It is
 * installed only in an empty product schema (or one that holds the stand-in already, or
 * the previous layout of this toolkit), never over a real product's tables.
 */
public final class StandIn {

    public static final String LOCATION = "db/stand-in";
    /** The stand-in's own history, beside its tables, as the product's migration tool keeps one. */
    public static final String HISTORY = "quota_stand_in_history";

    private StandIn() {
    }

    /** Installs or upgrades the stand-in with users keyed by whole numbers, then the toolkit's schema; see {@link #install(Database, UserKeyType)}. */
    public static SchemaMigrator.Installed install(Database database) {
        return install(database, UserKeyType.WHOLE_NUMBER);
    }

    /**
     * Installs or upgrades the stand-in, its users keyed by {@code keys} when it is created,
     * then the toolkit's schema and its default views, and declares it a stand-in.
     */
    public static SchemaMigrator.Installed install(Database database, UserKeyType keys) {
        return install(database, keys, MessagesDistribution.BY_USER);
    }

    /**
     * As {@link #install(Database, UserKeyType)}, its messages distributed as {@code messages}
     * says on a Citus coordinator (on one server there is nothing to distribute).
     */
    public static SchemaMigrator.Installed install(Database database, UserKeyType keys, MessagesDistribution messages) {
        installProductTables(database, keys);
        database.jdbi().useHandle(handle -> CitusDistribution.distributeStandIn(handle, database.config().schemas(), messages));
        SchemaMigrator.Installed installed = SchemaMigrator.install(database);
        database.jdbi().useHandle(DeploymentSettings::declareStandIn);
        return installed;
    }

    /**
     * The stand-in keyed by bigint with the toolkit's schema migrated no further than
     * {@code toolkitVersion}, and the read contract's default views: a database as an earlier
     * release left it, to rehearse an upgrade on ({@code scripts/bench-migrate-live}).
     */
    public static void installAt(Database database, int toolkitVersion) {
        Schemas schemas = database.config().schemas();
        installProductTables(database, UserKeyType.WHOLE_NUMBER);
        database.migrator().upTo(toolkitVersion).migrate();
        database.jdbi().useTransaction(handle -> {
            handle.execute("CREATE SCHEMA IF NOT EXISTS " + schemas.toolkit());
            ReadContract.createDefaultViews(handle, schemas);
        });
    }

    /**
     * Only the stand-in's product tables, users keyed by {@code keys}, without the toolkit's
     * schema: what a database of an earlier release, or a product that has not adopted the
     * toolkit yet, starts an upgrade from.
     */
    public static void installProductTables(Database database, UserKeyType keys) {
        Schemas schemas = database.config().schemas();
        database.jdbi().useHandle(handle -> {
            boolean ours = handle.createQuery("""
                            SELECT NOT EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = :product)
                                OR to_regclass(:history) IS NOT NULL
                                OR to_regclass(:previousLayout) IS NOT NULL
                            """)
                    .bind("product", schemas.product())
                    .bind("history", schemas.inProduct(HISTORY))
                    .bind("previousLayout", schemas.inProduct("quota_adjustments"))
                    .mapTo(Boolean.class).one();
            if (!ours) {
                throw new QuotaException(ErrorCode.NOT_ALLOWED_HERE, "schema " + schemas.product() + " already holds tables the "
                        + "toolkit did not make: the demo's stand-in goes only into an empty database; to use the product's "
                        + "own tables run 'quota db migrate'", Map.of("schema", schemas.product()));
            }
        });
        try {
            Flyway.configure()
                    .dataSource(database.dataSource())
                    .locations("classpath:" + LOCATION)
                    .schemas(schemas.product())
                    .defaultSchema(schemas.product())
                    .table(HISTORY)
                    .createSchemas(true)
                    .placeholders(placeholders(keys))
                    // the stand-in is the toolkit's own demo data: a checksum changed by a release (V1 took
                    // placeholders when the key types came) must not lock a developer out of the demo
                    .validateOnMigrate(false)
                    // the previous layout made these tables under the toolkit's old history: keep them
                    .baselineOnMigrate(true)
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            throw new QuotaException(ErrorCode.SCHEMA_MISMATCH, "the stand-in tables could not be created: "
                    + e.getMessage().lines().findFirst().orElse(""), Map.of(), null, e);
        }
    }

    /** What the stand-in's migrations are rendered with: its key type, and {@code users.id} of it. */
    static Map<String, String> placeholders(UserKeyType keys) {
        return Map.of("user_key", keys.sqlType(), "user_id_column", userIdColumn(keys));
    }

    /** The stand-in's {@code users.id}: generated by the database, as a product's would be. */
    private static String userIdColumn(UserKeyType keys) {
        return switch (keys) {
            case WHOLE_NUMBER -> "bigserial   PRIMARY KEY";
            case UUID -> "uuid        PRIMARY KEY DEFAULT gen_random_uuid()";
            // an identity provider's subject: a prefix and a random suffix
            case TEXT -> "text        PRIMARY KEY DEFAULT ('auth0|' || replace(CAST(gen_random_uuid() AS text), '-', ''))";
        };
    }

    /** Installs it unless the toolkit's schema is current already: one catalog query on an installed database. */
    public static void installIfBehind(Database database) {
        boolean current = database.jdbi().withHandle(handle ->
                SchemaVersion.applied(handle, database.config().schemas()) >= SchemaVersion.LATEST);
        if (!current) {
            install(database);
        }
    }
}
