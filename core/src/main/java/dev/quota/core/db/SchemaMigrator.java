package dev.quota.core.db;

import dev.quota.core.ErrorCode;
import dev.quota.core.QuotaException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.CoreMigrationType;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.jdbi.v3.core.Jdbi;

/**
 * Creates and upgrades the toolkit's own schema from the versioned migrations in
 * {@code db/toolkit} (SQL scripts, and the Java migrations of the package {@code db.toolkit}), with a Flyway history of its own inside that schema. It never touches
 * the product's schema, except to carry the toolkit's own tables of a previous layout out
 * of it (V3).
 */
public final class SchemaMigrator {

    public static final String LOCATION = "db/toolkit";

    private final Flyway flyway;
    private final Schemas schemas;
    private final DataSource dataSource;
    private final Duration lockTimeout;
    private final Duration statementTimeout;
    private final MigrationPreamble preamble = new MigrationPreamble();
    private final int target;

    /**
     * @param lockTimeout      how long each migration waits for a lock before it gives up
     * @param statementTimeout the connections' statement_timeout: a migration that holds its
     *     locks only while the catalog changes runs under it, one that reads rows under a lock
     *     gets more ({@link MigrationPlan}); zero for none
     */
    public SchemaMigrator(DataSource dataSource, Schemas schemas, Duration lockTimeout, Duration statementTimeout) {
        this(dataSource, schemas, lockTimeout, statementTimeout, SchemaVersion.LATEST);
    }

    private SchemaMigrator(DataSource dataSource, Schemas schemas, Duration lockTimeout, Duration statementTimeout, int target) {
        this.schemas = schemas;
        this.dataSource = dataSource;
        this.lockTimeout = lockTimeout;
        this.statementTimeout = statementTimeout;
        this.target = target;
        this.flyway = Flyway.configure()
                .dataSource(dataSource)
                .target(Integer.toString(target))
                .callbacks(preamble)
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

    /** The same schema, migrated no further than {@code version} (a DBA stepping through an upgrade). */
    public SchemaMigrator upTo(int version) {
        if (version < 1 || version > SchemaVersion.LATEST) {
            throw QuotaException.invalidInput("there is no version " + version + " of the " + schemas.toolkit()
                    + " schema: the versions are 1 to " + SchemaVersion.LATEST);
        }
        return new SchemaMigrator(dataSource, schemas, lockTimeout, statementTimeout, version);
    }

    /** Applies the pending migrations, with the default lock waits and nothing said between attempts; returns how many ran. */
    public int migrate() {
        return migrate(LockWaits.DEFAULT, line -> { });
    }

    /**
     * Applies the pending migrations, each in a transaction of its own under its own
     * statement_timeout. A migration that could not take a lock within the lock_timeout is
     * rolled back whole and tried again, {@code waits.attempts()} times in all, each failed
     * attempt one line to {@code progress}; then {@code lock_not_available}. Returns how many
     * migrations ran.
     */
    public int migrate(LockWaits waits, Consumer<String> progress) {
        int before = appliedMigrations();
        for (int attempt = 1; ; attempt++) {
            List<MigrationPlan.PlannedMigration> plan = plan();
            preamble.use(plan);
            try {
                flyway.migrate();
                int applied = appliedMigrations() - before;
                refreshFunctions(progress);
                return applied;
            } catch (FlywayException e) {
                String state = SqlStates.sqlState(e).orElse("");
                if (!state.equals(SqlStates.LOCK_NOT_AVAILABLE) && !state.equals(SqlStates.DEADLOCK_DETECTED)) {
                    throw new QuotaException(ErrorCode.SCHEMA_MISMATCH, "migration of the " + schemas.toolkit() + " schema failed: "
                            + e.getMessage().lines().findFirst().orElse(""), Map.of(), null, e);
                }
                LockWait wait = LockWait.after(dataSource, schemas, flyway.info().pending(), state.equals(SqlStates.DEADLOCK_DETECTED), plan);
                if (attempt >= waits.attempts()) {
                    throw wait.gaveUp(attempt, e);
                }
                Duration pause = waits.pause().multipliedBy(attempt);
                progress.accept(wait.describe() + "; attempt " + attempt + " of " + waits.attempts() + ", the next in "
                        + pause.toMillis() / 1000.0 + " s");
                waits.sleep(pause);
            }
        }
    }

    /**
     * Re-renders the SQL API's functions whose deployed text is not this release's
     * ({@link DeployedFunctions}), once the schema is current: a function rendered by an
     * earlier release follows its source without a migration of its own. One line each to
     * {@code progress}.
     */
    private void refreshFunctions(Consumer<String> progress) {
        if (target < SchemaVersion.LATEST) {
            return;
        }
        List<String> timeouts = List.of("SET LOCAL lock_timeout = '" + lockTimeout.toMillis() + "ms'",
                "SET LOCAL statement_timeout = '" + statementTimeout.toMillis() + "ms'");
        Jdbi.create(dataSource).useHandle(handle -> DeployedFunctions.refresh(handle, schemas, timeouts)
                .forEach(function -> progress.accept("re-rendered " + function.name() + ": its text in this release differs from the deployed")));
    }

    /** Migrations applied, not counting Flyway's own markers (the schema's creation, the baseline). */
    private int appliedMigrations() {
        return (int) Arrays.stream(flyway.info().applied()).filter(m -> !m.getType().isSynthetic()).count();
    }

    /** What the pending migrations lock and for how long they are expected to hold it, in the order they run. */
    public List<MigrationPlan.PlannedMigration> plan() {
        Map<Integer, String> pending = new LinkedHashMap<>();
        for (MigrationInfo migration : flyway.info().pending()) {
            pending.put(Integer.parseInt(migration.getVersion().getVersion()), migration.getDescription());
        }
        if (pending.isEmpty()) {
            return List.of();
        }
        return Jdbi.create(dataSource).withHandle(handle -> MigrationPlan.of(handle, schemas, pending, lockTimeout, statementTimeout));
    }

    /** The schema version applied, or null when the toolkit's schema has none yet. */
    public String currentVersion() {
        var current = flyway.info().current();
        return current == null ? null : current.getVersion().getVersion();
    }

    /**
     * The SQL that {@link #migrate()} would run now, placeholders filled in, in order, each
     * migration's preamble from {@code plan} first ({@link MigrationPlan.PlannedMigration#preamble()});
     * empty when the schema is current. Flyway's own dry run is not in its open-source
     * edition, and the scripts are plain SQL, so they are shown as they are.
     */
    public List<PendingSql> pendingSql(List<MigrationPlan.PlannedMigration> plan) {
        List<PendingSql> statements = new ArrayList<>();
        MigrationInfo[] pending = flyway.info().pending();
        if (pending.length > 0) {
            statements.add(new PendingSql(0, "CREATE SCHEMA IF NOT EXISTS " + schemas.toolkit() + ";\nSET search_path = " + schemas.toolkit() + ";"));
        }
        Map<Integer, MigrationPlan.PlannedMigration> plans = new LinkedHashMap<>();
        plan.forEach(planned -> plans.put(planned.version(), planned));
        for (MigrationInfo migration : pending) {
            int version = Integer.parseInt(migration.getVersion().getVersion());
            String body;
            if (migration.getType() == CoreMigrationType.JDBC) {
                body = String.join(";\n", javaMigrationStatements(migration.getScript())) + ";";
            } else {
                body = read(LOCATION + "/" + migration.getScript());
                for (var placeholder : placeholders(schemas).entrySet()) {
                    body = body.replace("${" + placeholder.getKey() + "}", placeholder.getValue());
                }
            }
            statements.add(new PendingSql(version, "-- " + migration.getScript() + "\n"
                    + String.join(";\n", plans.get(version).preamble()) + ";\n" + body.strip()));
        }
        if (pending.length == 0 && target == SchemaVersion.LATEST) {
            for (DeployedFunctions.Stale stale : Jdbi.create(dataSource).withHandle(handle -> DeployedFunctions.stale(handle, schemas))) {
                statements.add(new PendingSql(RERENDER, "-- re-rendered: " + stale.name() + " differs from this release's text\n"
                        + stale.ddl() + ";"));
            }
        }
        return statements;
    }

    /** The {@link PendingSql#version} of a function {@link #migrate()} would re-render ({@link DeployedFunctions}). */
    public static final int RERENDER = -1;

    /** One pending migration's SQL as {@link #migrate()} would run it; version 0 is the schema's own preamble. */
    public record PendingSql(int version, String sql) {
    }

    /** What a Java migration of {@code db.toolkit} runs: every one is a {@link RenderedMigration}, which says. */
    private List<String> javaMigrationStatements(String className) {
        RenderedMigration migration;
        try {
            migration = (RenderedMigration) Class.forName(className).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException("the Java migration " + className + " is not a RenderedMigration", e);
        }
        try (Connection connection = dataSource.getConnection()) {
            return migration.statements(connection, schemas);
        } catch (SQLException e) {
            throw SqlStates.translate(e);
        }
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
        return install(database, database.migrator(), LockWaits.DEFAULT, line -> { });
    }

    /** The same, with {@code migrator}'s target, lock waits and a line to {@code progress} for each failed attempt. */
    public static Installed install(Database database, SchemaMigrator migrator, LockWaits waits, Consumer<String> progress) {
        ServerRole.requireWritable(database, "quota db migrate");
        int applied = migrator.migrate(waits, progress);
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
