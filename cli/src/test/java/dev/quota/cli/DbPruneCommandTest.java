package dev.quota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code quota db prune}: retention on demand, as of the database's day (the test's fixed 2026-07-01). */
class DbPruneCommandTest extends CliTestBase {

    @BeforeEach
    void givenRequestIdsOfAnOldAndARecentDay() {
        db.jdbi().useHandle(handle -> handle.execute("""
                INSERT INTO consumed_requests (request_id, user_id, quota_date, units)
                SELECT 'old-' || i, 1, DATE '2026-06-01', 1 FROM generate_series(1, 5) i
                UNION ALL
                SELECT 'recent-' || i, 1, DATE '2026-06-28', 1 FROM generate_series(1, 3) i
                """));
    }

    private long requestIds() {
        return db.jdbi().withHandle(handle -> handle.createQuery("SELECT count(*) FROM consumed_requests").mapTo(Long.class).one());
    }

    @Test
    void givenExpiredRequestIds_whenPrunedInADryRun_thenCountedAndKept() {
        JsonNode json = quota("db", "prune", "--dry-run", "-o", "json").exits(0).json();

        assertThat(json.at("/data/dry_run").asBoolean()).isTrue();
        assertThat(json.at("/data/rows/request_ids").asLong()).isEqualTo(5);
        assertThat(json.at("/data/request_ids_before").asText()).isEqualTo("2026-06-24");
        assertThat(requestIds()).isEqualTo(8);
    }

    @Test
    void givenExpiredRequestIds_whenPruned_thenOnlyTheyGoAndTheTableSaysSo() {
        CliRun run = quota("db", "prune").exits(0);

        assertThat(run.out()).contains("Pruned as of 2026-07-01", "request_ids", "Vacuumed consumed_requests");
        assertThat(requestIds()).isEqualTo(3);
    }

    @Test
    void givenANegativePace_whenPruned_thenInvalidInputAndNothingDeleted() {
        CliRun run = quota("db", "prune", "--max-rows-per-second", "-1").exits(ExitCodes.INVALID);

        assertThat(run.err()).contains("--max-rows-per-second");
        assertThat(requestIds()).isEqualTo(8);
    }
}
