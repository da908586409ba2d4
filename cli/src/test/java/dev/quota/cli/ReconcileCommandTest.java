package dev.quota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quota.core.UserKey;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code quota reconcile}: exit codes, JSON summary, report and metrics files. */
class ReconcileCommandTest extends CliTestBase {

    @TempDir
    Path files;

    private UserKey driftingUser() {
        UserKey user = fixtures.subscribedUser(10);
        quota("consume", String.valueOf(user), "--count", "3").exits(0);
        db.jdbi().useHandle(h -> h.execute("UPDATE user_daily_quota_usages SET used_count = used_count + 2"));
        clock.set(java.time.Instant.parse("2026-07-02T01:00:00Z"));
        return user;
    }

    @Test
    void givenDriftYesterday_whenReconciledByDefault_thenExit10WithTheFindingAndTheFilesWritten() throws Exception {
        UserKey user = driftingUser();
        Path report = files.resolve("drift.csv");
        Path metrics = files.resolve("quota.prom");

        JsonNode json = quota("reconcile", "--report", report.toString(), "--metrics-file", metrics.toString(), "-o", "json")
                .exits(10).json();

        assertThat(json.at("/data/from").asText()).isEqualTo("2026-07-01");
        assertThat(json.at("/data/drifts_by_kind/over_counted").asLong()).isEqualTo(1);
        assertThat(json.at("/data/top_drifts/0/user_id").asText()).isEqualTo(user.toString());
        assertThat(Files.readString(report)).startsWith("user_id,quota_date").contains(user + ",2026-07-01,5,3");
        assertThat(Files.readString(metrics)).contains("quota_reconciliation_drifts{kind=\"over_counted\"} 1",
                "quota_reconciliation_success 1", "quota_reconciliation_last_success_timestamp_seconds");
    }

    @Test
    void givenDrift_whenRepaired_thenExit0AndTheCounterFollowsTheLog() {
        UserKey user = driftingUser();

        quota("reconcile", "--repair").exits(0);

        assertThat(fixtures.usedCount(user, java.time.LocalDate.of(2026, 7, 1))).isEqualTo(3);
    }

    @Test
    void givenBadParameters_whenReconciling_thenUsageErrorsExit2() {
        assertThat(quota("reconcile", "--date", "2026-13-01").exits(2).err()).contains("YYYY-MM-DD");
        assertThat(quota("reconcile", "--from", "2026-06-10", "--to", "2026-06-01").exits(2).err()).contains("after");
        assertThat(quota("reconcile", "--date", "2026-07-01").exits(2).err()).contains("--include-today");
        assertThat(quota("reconcile", "--date", "2026-06-30", "--report", files.resolve("x.txt").toString()).exits(2).err())
                .contains(".csv or .json");
        assertThat(quota("reconcile", "--date", "2026-06-30", "--scan", "sideways").exits(2).err())
                .contains("auto, one-query, merged, not sideways");
    }

    @Test
    void givenDrift_whenReconciledWithTheMergedScan_thenTheSameFindingAsByDefault() {
        UserKey user = driftingUser();

        JsonNode json = quota("reconcile", "--scan", "merged", "-o", "json").exits(10).json();

        assertThat(json.at("/data/drifts_by_kind/over_counted").asLong()).isEqualTo(1);
        assertThat(json.at("/data/top_drifts/0/user_id").asText()).isEqualTo(user.toString());
        assertThat(json.at("/data/top_drifts/0/expected").asInt()).isEqualTo(3);
    }
}
