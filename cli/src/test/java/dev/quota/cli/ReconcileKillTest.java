package dev.quota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quota.cli.simulate.ReconcileCrashRun;
import dev.quota.core.QuotaDay;
import dev.quota.core.demo.DemoSeeder;
import dev.quota.core.demo.SeedPlan;
import dev.quota.core.testing.FreshDatabase;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Crash safety of the nightly job: `quota reconcile --repair` killed with SIGKILL at random
 * points, in a process of its own, then started again, ends with the findings, counters and
 * audit trail of an uninterrupted run on the same data, and never applies a repair twice.
 * (At 10 million messages: scripts/bench-reconcile-kill.)
 */
class ReconcileKillTest {

    @RegisterExtension
    final FreshDatabase killed = new FreshDatabase();

    @RegisterExtension
    final FreshDatabase uninterrupted = new FreshDatabase();

    @Test
    void givenTheJobKilledMidRunTwice_whenStartedAgain_thenItEndsLikeAnUninterruptedRunAndRepairsEachCounterOnce() throws Exception {
        // a fixed finished day: the job's today-guard reads the server's clock, the test reads no date
        QuotaDay last = QuotaDay.parse("2026-06-30");
        SeedPlan plan = new SeedPlan(1200, 2, 12_000, 0.05, 7, last);
        new DemoSeeder(killed.database().dataSource()).seed(plan, false);
        new DemoSeeder(uninterrupted.database().dataSource()).seed(plan, false);

        ReconcileCrashRun.Outcome outcome = ReconcileCrashRun.run(killed.jdbi(), url(killed), uninterrupted.jdbi(), url(uninterrupted), 2,
                List.of("reconcile", "--from", last.previous().toString(), "--to", last.toString(), "--repair",
                        "--chunk-size", "1", "--partitions", "2"));

        assertThat(outcome.kills()).as("the job was killed mid-run").isPositive();
        assertThat(outcome.killedExit()).isIn(0, 10);
        assertThat(outcome.killedFindings()).isNotEmpty().isEqualTo(outcome.uninterruptedFindings());
        assertThat(outcome.sameCounters()).isTrue();
        assertThat(outcome.killedRepairs()).isNotEmpty().isEqualTo(outcome.uninterruptedRepairs());
        assertThat(outcome.repairedOnceEach()).isTrue();
        assertThat(outcome.sameAsUninterrupted()).isTrue();
    }

    private static String url(FreshDatabase db) {
        return db.config().jdbcUrl() + "?user=postgres";
    }
}
