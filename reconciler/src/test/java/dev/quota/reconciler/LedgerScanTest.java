package dev.quota.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quota.core.QuotaDay;
import dev.quota.core.UserKey;
import dev.quota.core.UserKeyType;
import dev.quota.core.drift.DayLedger;
import dev.quota.core.service.ChatService;
import dev.quota.core.strategy.Strategies;
import dev.quota.core.testing.FreshDatabase;
import dev.quota.core.testing.MutableClock;
import dev.quota.core.testing.PlantedDrift;
import dev.quota.core.testing.QuotaFixtures;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The merged scan (two sorted statements merged by the job, for messages distributed apart
 * from the counters) promises what the one query does: the same ledgers, so the same
 * findings, on every key type. Here on one server, where both run; CitusClusterTest runs
 * the merged scan where it is the only one that can. A run that failed resumes by position,
 * with either scan.
 */
@ParameterizedClass(name = "{0} keys")
@EnumSource(UserKeyType.class)
class LedgerScanTest {

    @Parameter
    UserKeyType keys;

    @RegisterExtension
    final FreshDatabase db = new FreshDatabase(() -> keys, config -> config);

    private static final QuotaDay DAY = QuotaDay.parse("2026-07-01");
    private final MutableClock clock = MutableClock.at("2026-07-01T10:00:00Z");
    private final MutableClock nextMorning = MutableClock.at("2026-07-02T03:00:00Z");
    private PlantedDrift planted;

    @BeforeEach
    void setUp() {
        planted = new PlantedDrift(db.jdbi(), new ChatService(db.jdbi(), Strategies.open("atomic", db.jdbi()), clock));
    }

    private ReconcileRequest request(LedgerScan scan, boolean rerun) {
        return new ReconcileRequest(DAY, DAY, ReconcileMode.REPORT, 2, 3, false, rerun).scanning(scan);
    }

    /** What a run found, without the run's own ids: comparable between runs. */
    private List<String> findings(ReconcileResult result) {
        try (Reconciler reconciler = new Reconciler(db.database(), nextMorning)) {
            return reconciler.findings(result.runId(), 0).stream()
                    .map(f -> f.userId() + " " + f.quotaDate() + " counter=" + f.usedCount() + " expected=" + f.expected()
                            + " messages=" + f.messages() + " limit=" + f.effectiveLimit() + " " + f.kinds())
                    .sorted().toList();
        }
    }

    private ReconcileResult reconcile(ReconcileRequest request) {
        try (Reconciler reconciler = new Reconciler(db.database(), nextMorning)) {
            return reconciler.run(request);
        }
    }

    @Test
    void givenEveryDriftKindPlanted_whenScannedMerged_thenTheSameFindingsAndRowsAsTheOneQuery() {
        planted.everyKind(DAY.date());
        // messages of a user with no plan and no counter: a missing counter whose facts the merged scan reads by its key
        UserKey planless = new QuotaFixtures(db.jdbi()).unsubscribedUser("planless@example.com");
        planted.sql("INSERT INTO chat_messages (user_id, role, created_at, request_id) "
                + "SELECT ?, 'user', CAST('2026-07-01T12:00:00Z' AS timestamptz) + g * interval '1 minute', 'planless-' || g "
                + "FROM generate_series(1, 2) g", planless);

        ReconcileResult oneQuery = reconcile(request(LedgerScan.ONE_QUERY, false));
        ReconcileResult merged = reconcile(request(LedgerScan.MERGED, true));

        assertThat(merged.completed()).isTrue();
        assertThat(findings(merged)).isEqualTo(findings(oneQuery)).hasSize(6);
        assertThat(merged.rowsScanned()).isEqualTo(oneQuery.rowsScanned());
    }

    @ParameterizedTest(name = "failing on {0}, resumed by {1}")
    @CsvSource({"ONE_QUERY, ONE_QUERY", "MERGED, MERGED", "ONE_QUERY, MERGED", "MERGED, ONE_QUERY"})
    void givenARunFailingMidPartition_whenStartedAgainWithEitherScan_thenItResumesAndEndsLikeAnUninterruptedRun(LedgerScan failing,
                                                                                                             LedgerScan resuming) {
        for (int i = 0; i < 12; i++) {
            UserKey user = planted.userWithMessages(10, 2 + i % 5);
            if (i % 2 == 0) {
                planted.sql("UPDATE user_daily_quota_usages SET used_count = used_count + 1 WHERE user_id = ?", user);
            }
        }
        ReconcileRequest request = new ReconcileRequest(DAY, DAY, ReconcileMode.REPORT, 2, 1, false, false);
        int[] seen = {0};
        ReconcileResult failed;
        try (Reconciler crashing = new Reconciler(db.database(), nextMorning, ledger -> {
            if (++seen[0] == 4) {
                throw new IllegalStateException("injected failure");
            }
        })) {
            failed = crashing.run(request.scanning(failing));
        }
        // both scans read in one order, so the position one committed is the other's too
        ReconcileResult resumed = reconcile(request.scanning(resuming));
        ReconcileResult uninterrupted = reconcile(request(LedgerScan.ONE_QUERY, true));

        assertThat(failed.status()).isEqualTo("FAILED");
        assertThat(resumed.runId()).isEqualTo(failed.runId());
        assertThat(findings(resumed)).isEqualTo(findings(uninterrupted)).hasSize(6);
        assertThat(resumed.rowsScanned()).isEqualTo(12);
    }

    @Test
    void givenKeysOfThisType_whenSortedByTheDatabaseAndByTheJob_thenInTheSameOrder() {
        List<UserKey> sample = sample(new SplittableRandom(7), 400);
        String sqlType = keys.sqlType();
        List<UserKey> byDatabase = db.jdbi().withHandle(handle -> handle.createQuery(
                        "SELECT k FROM unnest(CAST(:keys AS " + sqlType + "[])) AS t(k) ORDER BY " + LedgerKeyOrder.sql(keys, "k"))
                .bind("keys", sample.stream().map(UserKey::toString).toArray(String[]::new))
                .map((rs, ctx) -> UserKey.fromSql(rs.getObject(1))).list());

        List<UserKey> byJob = new ArrayList<>(sample);
        byJob.sort(LedgerKeyOrder.KEYS);

        assertThat(byJob).isEqualTo(byDatabase);
    }

    /** Keys where a collation's order, a signed comparison or UTF-16 order would differ from the database's. */
    private List<UserKey> sample(SplittableRandom random, int size) {
        String alphabet = "aAbBzZ09-_é€😀ßİ";
        List<UserKey> sample = new ArrayList<>(IntStream.range(0, size).mapToObj(i -> switch (keys) {
            case WHOLE_NUMBER -> UserKey.of(random.nextLong(-1_000_000_000_000L, 1_000_000_000_000L));
            case UUID -> new UserKey.Uuid(new UUID(random.nextLong(), random.nextLong()));
            case TEXT -> {
                StringBuilder text = new StringBuilder();
                int[] points = alphabet.codePoints().toArray();
                for (int n = 1 + random.nextInt(4); n > 0; n--) {
                    text.appendCodePoint(points[random.nextInt(points.length)]);
                }
                yield new UserKey.Text(text.toString());
            }
        }).distinct().toList());
        Collections.shuffle(sample, new java.util.Random(7));
        return sample;
    }

    @Test
    void givenMessagesAndUsageDeltas_whenExpectedInJava_thenAsTheDatabasesRule() {
        List<long[]> pairs = List.of(new long[] {0, 0}, new long[] {3, -5}, new long[] {3, -3}, new long[] {7, 2}, new long[] {0, 9},
                new long[] {40, -1}, new long[] {2_000_000_000L, 147_483_647L});
        for (long[] pair : pairs) {
            int database = db.jdbi().withHandle(handle -> handle.createQuery("SELECT expected_usage(:m, :d)")
                    .bind("m", pair[0]).bind("d", pair[1]).mapTo(Integer.class).one());
            assertThat(DayLedger.expectedUsage(pair[0], pair[1])).as("%d messages, %d", pair[0], pair[1]).isEqualTo(database);
        }
    }
}
