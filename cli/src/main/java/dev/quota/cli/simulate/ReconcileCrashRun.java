package dev.quota.cli.simulate;

import dev.quota.cli.QuotaCli;
import dev.quota.core.db.Database;
import dev.quota.core.db.DatabaseConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;

/**
 * Crash safety of the nightly job, measured: the same `quota reconcile` on two copies of the
 * same data, one left to finish, the other killed with SIGKILL at random points (each time
 * once the run has committed some chunks) and then started again until it completes. Both
 * must end with the same findings and counters, and every repaired counter must have
 * exactly one audit row. Used by ReconcileKillTest (small) and scripts/bench-reconcile-kill
 * (10 million messages).
 *
 * <p>Usage: {@code ReconcileCrashRun <killed-url> <uninterrupted-url> <kills> <reconcile arguments...>}
 */
public final class ReconcileCrashRun {

    /** What both runs ended with, and how often the killed one was killed. */
    public record Outcome(int kills, int killedExit, int uninterruptedExit, List<Map<String, Object>> killedFindings,
                          List<Map<String, Object>> uninterruptedFindings, boolean sameCounters,
                          List<Map<String, Object>> killedRepairs, List<Map<String, Object>> uninterruptedRepairs,
                          Duration uninterruptedTime, Duration killedTime) {

        public boolean repairedOnceEach() {
            return killedRepairs.stream().allMatch(repair -> ((Number) repair.get("audit_rows")).longValue() == 1);
        }

        public boolean sameAsUninterrupted() {
            return killedExit == uninterruptedExit && killedFindings.equals(uninterruptedFindings) && sameCounters
                    && killedRepairs.equals(uninterruptedRepairs);
        }
    }

    private ReconcileCrashRun() {
    }

    public static void main(String[] args) throws Exception {
        List<String> reconcile = List.of(args).subList(3, args.length);
        try (Database killed = Database.open(DatabaseConfig.parse(args[0]).withPoolSize(2));
             Database uninterrupted = Database.open(DatabaseConfig.parse(args[1]).withPoolSize(2))) {
            Outcome outcome = run(killed.jdbi(), args[0], uninterrupted.jdbi(), args[1], Integer.parseInt(args[2]), reconcile);
            System.out.printf("uninterrupted run   %.1f s, exit %d%n", outcome.uninterruptedTime().toMillis() / 1000.0,
                    outcome.uninterruptedExit());
            System.out.printf("killed run          killed %d times with SIGKILL, %.1f s in all, exit %d%n", outcome.kills(),
                    outcome.killedTime().toMillis() / 1000.0, outcome.killedExit());
            System.out.printf("findings            %,d vs %,d: %s%n", outcome.killedFindings().size(),
                    outcome.uninterruptedFindings().size(), outcome.killedFindings().equals(outcome.uninterruptedFindings())
                            ? "the same" : "DIFFERENT");
            System.out.printf("counters            %s%n", outcome.sameCounters() ? "the same" : "DIFFERENT");
            System.out.printf("repairs             %,d counters, %s%n", outcome.killedRepairs().size(),
                    outcome.repairedOnceEach() ? "one audit row each" : "SOME REPAIRED TWICE");
            System.exit(outcome.sameAsUninterrupted() && outcome.repairedOnceEach() ? 0 : 1);
        }
    }

    public static Outcome run(Jdbi killed, String killedUrl, Jdbi uninterrupted, String uninterruptedUrl, int kills,
                              List<String> reconcile) throws Exception {
        long started = System.nanoTime();
        int uninterruptedExit = runToEnd(uninterruptedUrl, reconcile);
        Duration uninterruptedTime = Duration.ofNanos(System.nanoTime() - started);

        started = System.nanoTime();
        SplittableRandom random = new SplittableRandom();
        int done = 0;
        Integer finishedOnItsOwn = null;
        for (int attempt = 0; attempt < kills && finishedOnItsOwn == null; attempt++) {
            long committed = committedChunks(killed);
            Process job = start(killedUrl, reconcile);
            // under way first (its Spring context up, chunks committed), then a random while more
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (job.isAlive() && committedChunks(killed) < committed + 20 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(random.nextInt(400));
            if (job.isAlive()) {
                job.destroyForcibly(); // SIGKILL: no shutdown hook runs, the server rolls back what was open
                done++;
                job.waitFor(60, TimeUnit.SECONDS);
            } else {
                finishedOnItsOwn = job.exitValue(); // too little data to kill it mid-run: it is done
            }
        }
        int killedExit = finishedOnItsOwn != null ? finishedOnItsOwn : runToEnd(killedUrl, reconcile);
        Duration killedTime = Duration.ofNanos(System.nanoTime() - started);
        return new Outcome(done, killedExit, uninterruptedExit, findings(killed), findings(uninterrupted),
                counters(killed).equals(counters(uninterrupted)), repairs(killed), repairs(uninterrupted),
                uninterruptedTime, killedTime);
    }

    private static int runToEnd(String url, List<String> reconcile) throws Exception {
        Process job = start(url, reconcile);
        return job.waitFor();
    }

    private static Process start(String url, List<String> reconcile) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), QuotaCli.class.getName(), "--db-url", url));
        command.addAll(reconcile);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static long committedChunks(Jdbi jdbi) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COALESCE(sum(commit_count), 0) FROM batch_step_execution")
                .mapTo(Long.class).one());
    }

    /** The last run's findings: who, which day, what kind, whether repaired, whether it needs a person. */
    private static List<Map<String, Object>> findings(Jdbi jdbi) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT user_id, quota_date, array_to_string(kinds, ',') AS kinds, repaired, unresolved
                          FROM quota_reconciliation_drifts
                         WHERE run_id = (SELECT max(id) FROM quota_reconciliation_runs)
                         ORDER BY user_id, quota_date
                        """).mapToMap().list());
    }

    private static List<Map<String, Object>> counters(Jdbi jdbi) {
        return jdbi.withHandle(h -> h.createQuery(
                "SELECT user_id, quota_date, used_count FROM user_daily_quota_usages ORDER BY user_id, quota_date").mapToMap().list());
    }

    /** One row per repaired counter, with how many audit rows its repair wrote. */
    private static List<Map<String, Object>> repairs(Jdbi jdbi) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT user_id, quota_date, count(*) AS audit_rows, sum(applied_delta) AS applied
                          FROM quota_adjustments WHERE kind = 'reconcile'
                         GROUP BY user_id, quota_date ORDER BY user_id, quota_date
                        """).mapToMap().list());
    }
}
