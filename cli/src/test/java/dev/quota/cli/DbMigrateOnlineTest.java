package dev.quota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quota.core.db.Database;
import dev.quota.core.db.SchemaVersion;
import dev.quota.core.db.StandIn;
import dev.quota.core.testing.MutableClock;
import dev.quota.core.testing.SharedPostgres;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code quota db migrate} on a database an earlier release left, as a DBA runs it on the
 * product's live database: the plan first, one step at a time if need be, and a lock held
 * elsewhere costs a bounded wait, one line an attempt, then exit 15 with nothing half-applied.
 */
class DbMigrateOnlineTest {

    private final MutableClock clock = MutableClock.at("2026-07-01T10:00:00Z");
    private String name;
    private Database database;

    @BeforeEach
    void earlierRelease() {
        name = SharedPostgres.get().createEmptyDatabase();
        database = Database.open(SharedPostgres.get().config(name).withPoolSize(2));
    }

    @AfterEach
    void dropIt() {
        database.close();
        SharedPostgres.get().dropDatabase(name);
    }

    private String url() {
        return SharedPostgres.get().config(name).jdbcUrl() + "?user=postgres";
    }

    private CliRun quota(Map<String, String> env, String... args) {
        return CliRun.run(url(), clock, env, "", false, args);
    }

    private int version() {
        return database.jdbi().withHandle(h -> SchemaVersion.applied(h, database.config().schemas()));
    }

    private void requestIds(int count) {
        database.jdbi().useHandle(h -> h.execute("INSERT INTO quota.consumed_requests (request_id, user_id, quota_date, units) "
                + "SELECT 'r-' || g, g, DATE '2026-06-30', 1 FROM generate_series(1, " + count + ") g; ANALYZE quota.consumed_requests"));
    }

    @Test
    void givenADatabaseAtV6_whenPlanned_thenEachPendingMigrationNamesItsLocksRowsAndHoldAndNothingRuns() {
        StandIn.installAt(database, 6);
        requestIds(3000);

        CliRun text = quota(Map.of(), "db", "migrate", "--plan").exits(0);
        JsonNode json = quota(Map.of(), "db", "migrate", "--plan", "-o", "json").exits(0).json();

        assertThat(text.out()).contains("4 pending on", "each waits at most 2.00 s for a lock, 5 attempts",
                "V7 per user keys: rebuilds the keys", "(its index builds); statement_timeout 30.00 s", "ACCESS EXCLUSIVE on quota.consumed_requests (3,000 rows): blocks quota.consume",
                "V8 Day limit rendered from the rule", "no lock on an existing table",
                "V9 User keys of the product type", "ACCESS EXCLUSIVE on quota.settings (1 row)", "held for a catalog change");
        JsonNode v7 = json.at("/data/migrations/0");
        assertThat(v7.at("/version").asInt()).isEqualTo(7);
        assertThat(v7.at("/locks/1/table").asText()).isEqualTo("quota.consumed_requests");
        assertThat(v7.at("/locks/1/rows").asLong()).isEqualTo(3000);
        assertThat(v7.at("/expected_hold_ms").asLong()).isPositive();
        assertThat(json.at("/data/lock_timeout_ms").asLong()).isEqualTo(2000);
        assertThat(version()).isEqualTo(6);
    }

    @Test
    void givenATarget_whenMigrated_thenItStopsThereAndTheRestFollowsLater() {
        StandIn.installAt(database, 6);

        assertThat(quota(Map.of(), "db", "migrate", "--to", "7").exits(0).out()).contains("Applied 1 migration; version 7");
        assertThat(version()).isEqualTo(7);
        quota(Map.of(), "db", "migrate").exits(0);
        assertThat(version()).isEqualTo(SchemaVersion.LATEST);
        assertThat(quota(Map.of(), "db", "migrate", "--to", "12").exits(ExitCodes.INVALID).err()).contains("the versions are 1 to");
    }

    @Test
    void givenASessionHoldingWhatV9Alters_whenMigrated_thenOneLineAnAttemptThenExit15AndStillAtV8() {
        StandIn.installAt(database, 8);

        CliRun run;
        try (Handle reader = database.jdbi().open()) {
            reader.begin();
            reader.execute("LOCK TABLE quota.settings IN ACCESS SHARE MODE");
            run = quota(Map.of("QUOTA_LOCK_TIMEOUT_MS", "100"), "db", "migrate", "--lock-attempts", "2");
            reader.rollback();
        }

        run.exits(ExitCodes.LOCK_NOT_AVAILABLE);
        List<String> lines = run.err().strip().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).contains("V9 (User keys of the product type) could not take its lock", "attempt 1 of 2");
        assertThat(lines.get(1)).contains("lock_not_available", "gave up on V9", "after 2 attempts", "idle in transaction");
        assertThat(version()).isEqualTo(8);
        quota(Map.of(), "db", "migrate").exits(0);
    }
}
