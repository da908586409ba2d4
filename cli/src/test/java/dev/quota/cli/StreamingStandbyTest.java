package dev.quota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quota.core.service.ChatService;
import dev.quota.core.QuotaDay;
import dev.quota.core.UserKey;
import dev.quota.core.db.Database;
import dev.quota.core.db.DatabaseConfig;
import dev.quota.core.db.StandIn;
import dev.quota.core.db.StandbyReplay;
import dev.quota.core.drift.DayLedger;
import dev.quota.core.strategy.Strategies;
import dev.quota.core.testing.Await;
import dev.quota.core.testing.DebianPostgres;
import dev.quota.core.testing.MutableClock;
import dev.quota.core.testing.PlantedDrift;
import dev.quota.core.testing.QuotaFixtures;
import dev.quota.reconciler.Finding;
import dev.quota.reconciler.ReconcileMode;
import dev.quota.reconciler.ReconcileRequest;
import dev.quota.reconciler.ReconcileResult;
import dev.quota.reconciler.Reconciler;
import dev.quota.reconciler.ScanSource;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The toolkit beside a real streaming standby: Debian's PostgreSQL 15 as the primary and a
 * {@code pg_basebackup -R} hot standby of it on loopback. The job scans the standby and
 * writes to the primary; support reads the standby; a writing command aimed at the standby
 * gets one line. Each test has a database of its own on the primary, replicated.
 */
class StreamingStandbyTest {

    private static final QuotaDay DAY = QuotaDay.parse("2026-07-01");
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private static DebianPostgres primary;
    private static DebianPostgres standby;
    /** The standby's maintenance database, to wait for replay and to pause it. */
    private static Database standbyServer;
    private static Database primaryServer;

    private final MutableClock clock = MutableClock.at("2026-07-01T10:00:00Z");
    private final MutableClock nextMorning = MutableClock.at("2026-07-02T03:00:00Z");
    private String name;
    private Database onPrimary;
    private Database onStandby;
    private PlantedDrift planted;

    @BeforeAll
    static void servers() {
        DebianPostgres.assumeAvailable();
        primary = DebianPostgres.start(Map.of(), "-c wal_level=replica");
        // a short delay, so that the recovery-conflict test does not wait long for the standby to cancel the scan
        standby = primary.startStandby("-c max_standby_streaming_delay=200ms -c hot_standby_feedback=off");
        primaryServer = open(primary, "postgres");
        standbyServer = open(standby, "postgres");
    }

    @AfterAll
    static void stopServers() {
        for (AutoCloseable closing : new AutoCloseable[] {standbyServer, primaryServer, standby, primary}) {
            try {
                if (closing != null) {
                    closing.close();
                }
            } catch (Exception e) {
                // the servers are temporary; the next one closes regardless
            }
        }
    }

    private static Database open(DebianPostgres server, String database) {
        return Database.open(DatabaseConfig.of(server.jdbcUrl(database), "postgres", null));
    }

    private static String url(DebianPostgres server, String database) {
        return server.jdbcUrl(database) + "?user=postgres";
    }

    @BeforeEach
    void database() {
        name = "standby_test_" + DATABASES.incrementAndGet();
        primary.psql("postgres", "CREATE DATABASE " + name);
        onPrimary = open(primary, name);
        StandIn.install(onPrimary);
        caughtUp();
        onStandby = open(standby, name);
        ChatService chat = new ChatService(onPrimary.jdbi(), Strategies.open("atomic", onPrimary.jdbi()), clock);
        planted = new PlantedDrift(onPrimary.jdbi(), chat);
    }

    @AfterEach
    void closeDatabases() {
        standby.psql("postgres", "SELECT pg_wal_replay_resume()");
        onStandby.close();
        onPrimary.close();
    }

    /** Until the standby has replayed everything the primary committed so far. */
    private void caughtUp() {
        StandbyReplay.await(primaryServer, standbyServer, Duration.ofSeconds(30));
    }

    private ReconcileResult reconcile(ReconcileMode mode, ScanSource scan) {
        return reconcile(new ReconcileRequest(DAY, DAY, mode, 2, 2, false, true), scan, ledger -> { });
    }

    private ReconcileResult reconcile(ReconcileRequest request, ScanSource scan, Consumer<DayLedger> hook) {
        try (Reconciler reconciler = new Reconciler(onPrimary, scan, nextMorning, hook)) {
            return reconciler.run(request);
        }
    }

    private List<String> findings(ReconcileResult result) {
        try (Reconciler reconciler = new Reconciler(onPrimary, nextMorning)) {
            return reconciler.findings(result.runId(), 0).stream()
                    .map(f -> f.userId() + " " + f.quotaDate() + " " + f.usedCount() + "->" + f.expected() + " " + f.kinds())
                    .sorted().toList();
        }
    }

    private ScanSource onTheStandby() {
        return ScanSource.standby(onStandby, Duration.ofSeconds(30), false);
    }

    @Test
    void givenEveryDriftKindOnThePrimary_whenTheJobScansTheStandby_thenItFindsWhatAPrimaryOnlyRunFinds() {
        planted.everyKind(DAY.date());

        ReconcileResult fromStandby = reconcile(ReconcileMode.REPORT, onTheStandby());
        ReconcileResult fromPrimary = reconcile(ReconcileMode.REPORT, ScanSource.PRIMARY);

        assertThat(fromStandby.completed()).isTrue();
        assertThat(fromStandby.scannedOn()).isEqualTo("standby");
        assertThat(fromPrimary.scannedOn()).isEqualTo("primary");
        assertThat(fromStandby.drifts()).isEqualTo(5);
        assertThat(findings(fromStandby)).isEqualTo(findings(fromPrimary));
    }

    @Test
    void givenCounterDrift_whenRepairedFromAStandbyScan_thenTheRepairsLandOnThePrimaryAndReplicate() {
        Map<String, UserKey> users = planted.everyKind(DAY.date());
        UserKey overCounted = users.get("over_counted");

        ReconcileResult repaired = reconcile(ReconcileMode.REPAIR, onTheStandby());

        assertThat(repaired.repaired()).isEqualTo(3);
        QuotaFixtures onThePrimary = new QuotaFixtures(onPrimary.jdbi());
        assertThat(onThePrimary.usedCount(overCounted, DAY.date())).isEqualTo(onThePrimary.messageCount(overCounted, DAY.date()));
        caughtUp();
        assertThat(new QuotaFixtures(onStandby.jdbi()).usedCount(overCounted, DAY.date())).isEqualTo(3);
    }

    @Test
    void givenAMessageStoredOnThePrimaryAfterTheScanReadItsDay_whenRepaired_thenThePrimaryWinsAndTheFindingSaysSo() {
        UserKey overCounted = planted.everyKind(DAY.date()).get("over_counted");
        // live traffic, after the standby's row was read and before the repair locks the counter
        Consumer<DayLedger> lateMessage = ledger -> {
            if (ledger.userId().equals(overCounted)) {
                planted.sql("INSERT INTO chat_messages (user_id, role, created_at, request_id) VALUES (?, 'user', ?, 'late-one')",
                        overCounted, DAY.date().atTime(23, 0).atOffset(ZoneOffset.UTC));
            }
        };

        ReconcileResult repaired = reconcile(new ReconcileRequest(DAY, DAY, ReconcileMode.REPAIR, 2, 2, false, true), onTheStandby(),
                lateMessage);

        Finding finding;
        try (Reconciler reconciler = new Reconciler(onPrimary, nextMorning)) {
            finding = reconciler.findings(repaired.runId(), 0).stream().filter(f -> f.userId().equals(overCounted)).findFirst().orElseThrow();
        }
        assertThat(finding.expected()).as("what the standby said").isEqualTo(3);
        assertThat(finding.primaryExpected()).as("what the primary counted under the lock").isEqualTo(4);
        assertThat(finding.primaryDisagreed()).isTrue();
        assertThat(new QuotaFixtures(onPrimary.jdbi()).usedCount(overCounted, DAY.date())).isEqualTo(4);
    }

    @Test
    void givenReplayPausedAndADriftPlantedAfter_whenReconciledOnTheStandby_thenStandbyBehindAndNeverACleanRun() {
        UserKey user = planted.userWithMessages(10, 3);
        caughtUp();
        standby.psql("postgres", "SELECT pg_wal_replay_pause()");
        planted.sql("UPDATE user_daily_quota_usages SET used_count = used_count + 2 WHERE user_id = ?", user);

        CliRun refused = CliRun.run(url(primary, name), nextMorning, "", false, "reconcile", "--date", DAY.toString(),
                "--read-url", url(standby, name), "--standby-wait", "1");

        refused.exits(ExitCodes.STANDBY_BEHIND);
        assertThat(errorLines(refused)).singleElement().asString().contains("standby_behind").contains("paused");
        long runs = onPrimary.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM quota_reconciliation_runs").mapTo(Long.class).one());
        assertThat(runs).as("no run was recorded, let alone a clean one").isZero();

        ReconcileResult onThePrimary = reconcile(new ReconcileRequest(DAY, DAY, ReconcileMode.REPORT, 2, 2, false, true),
                ScanSource.standby(onStandby, Duration.ofMillis(300), true), ledger -> { });
        assertThat(onThePrimary.scannedOn()).isEqualTo("primary");
        assertThat(onThePrimary.drifts()).isEqualTo(1);
    }

    @Test
    void givenTheStandbyCancelsTheScanForAReplayedLock_whenReconciling_thenTheRunResumesAndFindsWhatThePrimaryHolds() throws Exception {
        // more day ledgers than one fetch of the cursor (2,000), so that the scan still reads from the standby when cancelled
        CliRun.run(url(primary, name), nextMorning, "", false, "demo", "seed", "--users", "3000", "--days", "1", "--messages", "9000",
                "--drift-rate", "0.01", "--last-day", DAY.toString(), "--replace").exits(0);
        caughtUp();
        ReconcileRequest paced = new ReconcileRequest(DAY, DAY, ReconcileMode.REPORT, 100, 1, false, true, 600, false);
        CompletableFuture<ReconcileResult> run = CompletableFuture.supplyAsync(() -> reconcile(paced, onTheStandby(), ledger -> { }));
        Await.until("the job's cursor on the standby's counters", () -> standbyScanHoldsCounters() || run.isDone());
        assertThat(run.isDone()).as("the scan was still running").isFalse();

        // an ACCESS EXCLUSIVE lock is replayed on the standby, where it conflicts with the scan's ACCESS SHARE
        primary.psql(name, "BEGIN; LOCK TABLE public.user_daily_quota_usages IN ACCESS EXCLUSIVE MODE; COMMIT");
        ReconcileResult resumed = run.get();
        ReconcileResult fromPrimary = reconcile(ReconcileMode.REPORT, ScanSource.PRIMARY);

        assertThat(resumed.completed()).as(String.valueOf(resumed.failure())).isTrue();
        assertThat(resumed.resumes()).isPositive();
        assertThat(resumed.rowsScanned()).isEqualTo(fromPrimary.rowsScanned()).isGreaterThan(2000);
        assertThat(findings(resumed)).isNotEmpty().isEqualTo(findings(fromPrimary));
    }

    /** The error lines of stderr; a progress note may come before. */
    private static List<String> errorLines(CliRun run) {
        return run.err().lines().filter(line -> line.startsWith("error")).toList();
    }

    /** Whether a backend other than ours holds a lock on the counters on the standby: the job's cursor. */
    private boolean standbyScanHoldsCounters() {
        return onStandby.jdbi().withHandle(h -> h.createQuery("""
                SELECT count(*) > 0 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
                 WHERE c.relname = 'user_daily_quota_usages' AND l.pid <> pg_backend_pid()
                """).mapTo(Boolean.class).one());
    }

    @Test
    void givenTheStandbyAsThePrimary_whenAWritingCommandRuns_thenOneLineNamesTheProblemAndExit12() {
        UserKey user = planted.userWithMessages(10, 1);
        caughtUp();

        CliRun grant = CliRun.run(url(standby, name), nextMorning, "", false, "grant", String.valueOf(user), "5", "--reason", "outage", "-y");
        CliRun reconcile = CliRun.run(url(standby, name), nextMorning, "", false, "reconcile", "--date", DAY.toString());

        for (CliRun refused : List.of(grant, reconcile)) {
            refused.exits(ExitCodes.READ_ONLY_DATABASE);
            assertThat(errorLines(refused)).singleElement().asString().contains("read_only_database").contains("hot standby");
            assertThat(refused.err()).doesNotContain("Exception").doesNotContain("database_unavailable");
        }
        assertThat(new QuotaFixtures(onPrimary.jdbi()).adjustmentSum(user, DAY.date(), false)).isZero();
    }

    @Test
    void givenAReadUrl_whenSupportLooksAUserUp_thenTheStandbyAnswersAndDbCheckJudgesIt() {
        UserKey user = planted.userWithMessages(10, 4);
        caughtUp();

        CliRun show = CliRun.run(url(primary, name), clock, "", false, "show", String.valueOf(user), "--read-url", url(standby, name),
                "-o", "json").exits(0);
        CliRun check = CliRun.run(url(primary, name), clock, "", false, "db", "check", "--read-url", url(standby, name)).exits(0);

        assertThat(show.json().at("/data/consumed").asInt()).isEqualTo(4);
        assertThat(check.out()).contains("Read contract holds on").contains(Integer.toString(standby.port()));
    }
}
