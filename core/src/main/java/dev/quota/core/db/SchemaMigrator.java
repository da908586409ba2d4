package dev.quota.core.db;

import dev.quota.core.ErrorCode;
import dev.quota.core.QuotaException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.CoreMigrationType;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.jdbi.v3.core.Handle;

/**
 * Creates and upgrades the toolkit's own schema from the versioned migrations in
 * {@code db/toolkit} (SQL scripts, and the Java migrations of the package {@code db.toolkit}), with a Flyway history of its own inside that schema. It never touches
 * the product's schema, except to carry the toolkit's own tables of a previous layout out
 * of it (V3).
 */
public final class SchemaMigrator {

    public static final String LOCATION = "db/toolkit";
    /** The latest version in {@link #LOCATION}; a test keeps this in step with the files. */
    public static final int LATEST_VERSION = 9;

    private final Flyway flyway;
    private final Schemas schemas;
    private final DataSource dataSource;

    public SchemaMigrator(DataSource dataSource, Schemas schemas) {
        this.schemas = schemas;
        this.dataSource = dataSource;
        this.flyway = Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:" + LOCATION)
                .schemas(schemas.toolkit())
                .defaultSchema(schemas.toolkit())
                .createSchemas(true)
                // a DBA may have created the schema first, to write the read contract's views in it:
                // start the history below V1 so that every migration still runs
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .placeholders(placeholders(schemas))
                .load();
    }

    private static Map<String, String> placeholders(Schemas schemas) {
        return Map.of("product_schema", schemas.product(), "toolkit_schema", schemas.toolkit());
    }

    /** Applies the pending migrations; returns how many ran. */
    public int migrate() {
        try {
            return flyway.migrate().migrationsExecuted;
        } catch (FlywayException e) {
            throw new QuotaException(ErrorCode.SCHEMA_MISMATCH, "migration of the " + schemas.toolkit() + " schema failed: "
                    + e.getMessage().lines().findFirst().orElse(""), Map.of(), null, e);
        }
    }

    /** The schema version applied, or null when the toolkit's schema has none yet. */
    public String currentVersion() {
        var current = flyway.info().current();
        return current == null ? null : current.getVersion().getVersion();
    }

    /**
     * The SQL that {@link #migrate()} would run now, placeholders filled in, in order; empty
     * when the schema is current. Flyway's own dry run is not in its open-source edition, and
     * the scripts are plain SQL, so they are shown as they are.
     */
    public List<String> pendingSql() {
        List<String> statements = new ArrayList<>();
        MigrationInfo[] pending = flyway.info().pending();
        if (pending.length > 0) {
            statements.add("CREATE SCHEMA IF NOT EXISTS " + schemas.toolkit() + ";\nSET search_path = " + schemas.toolkit() + ";");
        }
        for (MigrationInfo migration : pending) {
            if (migration.getType() == CoreMigrationType.JDBC) {
                statements.add("-- " + migration.getScript() + "\n" + String.join(";\n", javaMigrationStatements(migration.getScript())) + ";");
                continue;
            }
            String script = read(LOCATION + "/" + migration.getScript());
            for (var placeholder : placeholders(schemas).entrySet()) {
                script = script.replace("${" + placeholder.getKey() + "}", placeholder.getValue());
            }
            statements.add("-- " + migration.getScript() + "\n" + script.strip());
        }
        return statements;
    }

    /** What a Java migration of {@code db.toolkit} runs, by its class name. */
    private List<String> javaMigrationStatements(String className) {
        if (className.equals(db.toolkit.V8__Day_limit_rendered_from_the_rule.class.getName())) {
            return db.toolkit.V8__Day_limit_rendered_from_the_rule.statements(schemas);
        }
        if (className.equals(db.toolkit.V9__User_keys_of_the_product_type.class.getName())) {
            try (Connection connection = dataSource.getConnection()) {
                return UserKeySchema.migration(connection, schemas);
            } catch (SQLException e) {
                throw SqlStates.translate(e);
            }
        }
        throw new IllegalStateException("no dry run for the Java migration " + className);
    }

    /** The applied version, from one catalog look at the history: no classpath scan. */
    public static int appliedVersion(Handle handle, Schemas schemas) {
        boolean hasHistory = handle.createQuery("SELECT to_regclass(:history) IS NOT NULL")
                .bind("history", schemas.inToolkit("flyway_schema_history")).mapTo(Boolean.class).one();
        if (!hasHistory) {
            return 0;
        }
        return handle.createQuery("SELECT COALESCE(max(CAST(version AS integer)), 0) FROM " + schemas.inToolkit("flyway_schema_history")
                        + " WHERE success AND version ~ '^[0-9]+$'")
                .mapTo(Integer.class).one();
    }

    /**
     * What installing the toolkit's schema did: the migrations applied, the default views made
     * and still missing, and on a Citus coordinator what it distributed ({@link CitusDistribution}).
     */
    public record Installed(int migrationsApplied, ReadContract.Outcome views, List<String> distributed) {
    }

    /**
     * Migrates the toolkit's schema, creates the read contract's default views where the
     * layout defines them, and on a Citus coordinator distributes the toolkit's objects.
     */
    public static Installed install(Database database) {
        ServerRole.requireWritable(database, "quota db migrate");
        int applied = database.migrator().migrate();
        Schemas schemas = database.config().schemas();
        ReadContract.Outcome views = database.jdbi().inTransaction(handle -> ReadContract.createDefaultViews(handle, schemas));
        List<String> distributed = SqlStates.translated(() -> database.jdbi().withHandle(handle -> CitusDistribution.distribute(handle, schemas)));
        return new Installed(applied, views, distributed);
    }

    static String read(String resource) {
        try (InputStream in = SchemaMigrator.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
