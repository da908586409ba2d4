package dev.quota.core.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quota.core.ErrorCode;
import dev.quota.core.QuotaException;
import dev.quota.core.testing.SharedPostgres;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * {@code db migrate} beside live traffic: a migration that cannot take its lock within the
 * lock_timeout is rolled back whole and tried again, one line each time, and at last stops
 * with {@code lock_not_available}; each migration runs under the statement_timeout its plan
 * gives it, and the plan says what each pending migration locks and for how long.
 * <p>
 * Isolated: a key rebuild here must finish within the timeout its plan derives from a
 * measured rate, which a concurrent test (the strategy contract suite runs beside the
 * others) could stall past any margin on two cores.
 */
@Isolated
class OnlineMigrationTest {

    private String name;
    private final List<Database> opened = new ArrayList<>();

    @BeforeEach
    void emptyDatabase() {
        name = SharedPostgres.get().createEmptyDatabase();
    }

    @AfterEach
    void dropIt() {
        opened.forEach(Database::close);
        SharedPostgres.get().dropDatabase(name);
    }

    private Database open(Duration lockTimeout, Duration statementTimeout) {
        Database database = Database.open(SharedPostgres.get().config(name).withPoolSize(2)
                .withTimeouts(Duration.ofSeconds(5), lockTimeout, statementTimeout));
        opened.add(database);
        return database;
    }

    private Database open() {
        return open(Duration.ofSeconds(2), Duration.ofSeconds(30));
    }

    /** A transaction that read quota.settings and stays open: V9's ALTER TABLE must wait for it. */
    private static Handle readerOfSettings(Database database) {
        Handle reader = database.jdbi().open();
        reader.begin();
        reader.execute("LOCK TABLE quota.settings IN ACCESS SHARE MODE");
        return reader;
    }

    /** A database an earlier release left at V6, holding {@code count} request ids of 1,000 users, analyzed. */
    private Database atV6WithRequestIds(int count) {
        Database database = open();
        StandIn.installAt(database, 6);
        database.jdbi().useHandle(h -> h.execute("""
                INSERT INTO quota.consumed_requests (request_id, user_id, quota_date, units)
                SELECT 'r-' || g, 1 + g %% 1000, DATE '2026-07-01', 1 FROM generate_series(1, %d) g;
                ANALYZE quota.consumed_requests""".formatted(count)));
        return database;
    }

    private int appliedVersion(Database database) {
        return database.jdbi().withHandle(h -> SchemaVersion.applied(h, database.config().schemas()));
    }

    @Test
    void givenASessionHoldingTheSettings_whenMigrated_thenEachFailedAttemptIsOneLineAndItStopsWithLockNotAvailable() {
        Database database = open();
        StandIn.installAt(database, 8);
        Database migrating = open(Duration.ofMillis(200), Duration.ofSeconds(30));
        List<String> lines = new ArrayList<>();

        try (Handle reader = readerOfSettings(database)) {
            int readerPid = reader.createQuery("SELECT pg_backend_pid()").mapTo(Integer.class).one();

            assertThatThrownBy(() -> SchemaMigrator.install(migrating, migrating.migrator(), new LockWaits(3, Duration.ZERO), lines::add))
                    .isInstanceOfSatisfying(QuotaException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.LOCK_NOT_AVAILABLE);
                        assertThat(e.getMessage()).contains("gave up on V9 (User keys of the product type) after 3 attempts",
                                "pid " + readerPid + " (idle in transaction", "settings AccessShareLock", "nothing of it was applied");
                    });
            reader.rollback();
        }

        assertThat(lines).hasSize(2).allSatisfy(line -> assertThat(line).doesNotContain("\n")
                .contains("V9 (User keys of the product type) could not take its lock", "rolled back"));
        assertThat(appliedVersion(database)).isEqualTo(8);
    }

    @Test
    void givenTheHolderEndsAfterTheFirstAttempt_whenMigrated_thenTheNextAttemptApplies() {
        Database database = open();
        StandIn.installAt(database, 8);
        Database migrating = open(Duration.ofMillis(200), Duration.ofSeconds(30));
        Handle reader = readerOfSettings(database);
        List<String> lines = new ArrayList<>();

        SchemaMigrator.install(migrating, migrating.migrator(), new LockWaits(3, Duration.ZERO), line -> {
            lines.add(line);
            reader.rollback();
            reader.close();
        });

        assertThat(lines).hasSize(1);
        assertThat(appliedVersion(database)).isEqualTo(SchemaVersion.LATEST);
    }

    @Test
    void givenAKeyRebuildLongerThanTheConnectionsStatementTimeout_whenMigrated_thenTheTimeoutItsPlanGivesLetsItFinish() {
        Database database = atV6WithRequestIds(500_000);
        Database migrating = open(Duration.ofSeconds(2), Duration.ofMillis(100));
        // the premise: under the connection's own 100 ms, building V7's key is cancelled
        assertThatThrownBy(() -> migrating.jdbi().useTransaction(h -> {
            h.execute("CREATE UNIQUE INDEX premise ON quota.consumed_requests (user_id, request_id)");
            h.rollback();
        })).hasMessageContaining("statement timeout");

        MigrationPlan.PlannedMigration v7 = migrating.migrator().plan().get(0);
        SchemaMigrator.install(migrating);

        assertThat(v7.version()).isEqualTo(7);
        assertThat(v7.statementTimeout()).isGreaterThan(Duration.ofMillis(100));
        assertThat(appliedVersion(database)).isEqualTo(SchemaVersion.LATEST);
        String timeoutAfter = migrating.jdbi().withHandle(h -> h.createQuery("SHOW statement_timeout").mapTo(String.class).one());
        assertThat(timeoutAfter)
                .as("the connection's own timeout is back after the migrations").isEqualTo("100ms");
    }

    @Test
    void givenRequestIdsAtV6_whenPlanned_thenV7ListsItsLockOnThemWithTheirRowsAndTheExpectedHold() {
        Database database = atV6WithRequestIds(20_000);

        List<MigrationPlan.PlannedMigration> plan = database.migrator().plan();

        assertThat(plan).extracting(MigrationPlan.PlannedMigration::version).containsExactly(7, 8, 9, 10);
        assertThat(plan.get(0).locks()).extracting(MigrationPlan.PlannedLock::table)
                .as("in the order quota.consume takes them").containsExactly("quota.quota_adjustments", "quota.consumed_requests");
        assertThat(plan.get(0).locks().get(1)).satisfies(lock -> {
            assertThat(lock.mode()).isEqualTo("ACCESS EXCLUSIVE");
            assertThat(lock.blocks()).contains("quota.consume");
            assertThat(lock.rows()).isEqualTo(20000);
        });
        assertThat(plan.get(0).expectedHold()).isEqualTo(MigrationPlan.readingTime(20000));
        assertThat(plan.get(1).locks()).isEmpty();
        assertThat(plan.get(2).locks()).extracting(MigrationPlan.PlannedLock::table).containsExactly("quota.settings");
        assertThat(plan.get(2).expectedHold()).isZero();
        assertThat(plan.get(2).statementTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void givenEveryMigration_whenLookedUp_thenThePlanHasAnEntryForIt() {
        for (int version = 1; version <= SchemaVersion.LATEST; version++) {
            assertThat(MigrationPlan.covers(version)).as("plan entry for V%d", version).isTrue();
        }
    }
}
