package dev.quota.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quota.core.AdjustmentKind;
import dev.quota.core.AdjustmentRequest;
import dev.quota.core.service.AdjustmentService;
import dev.quota.core.service.ChatService;
import dev.quota.core.ErrorCode;
import dev.quota.core.QuotaDay;
import dev.quota.core.QuotaException;
import dev.quota.core.UserKey;
import dev.quota.core.check.QuotaInvariants;
import dev.quota.core.strategy.Strategies;
import dev.quota.core.testing.ConcurrentCalls;
import dev.quota.core.testing.FreshDatabase;
import dev.quota.core.testing.MutableClock;
import dev.quota.core.testing.PlantedDrift;
import dev.quota.core.testing.QuotaFixtures;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ReconciliationJobTest {

    @RegisterExtension
    final FreshDatabase db = new FreshDatabase();

    private static final QuotaDay DAY = QuotaDay.parse("2026-07-01");
    private final MutableClock clock = MutableClock.at("2026-07-01T10:00:00Z");
    private final MutableClock nextMorning = MutableClock.at("2026-07-02T03:00:00Z");
    private QuotaFixtures fixtures;
    private ChatService service;
    private AdjustmentService adjustments;
    private PlantedDrift planted;

    @BeforeEach
    void setUp() {
        fixtures = db.fixtures();
        service = new ChatService(db.jdbi(), Strategies.open("atomic", db.jdbi()), clock);
        adjustments = new AdjustmentService(db.jdbi(), clock);
        planted = new PlantedDrift(db.jdbi(), service);
    }

    private ReconcileRequest request(ReconcileMode mode) {
        return new ReconcileRequest(DAY, DAY, mode, 2, 3, false, false);
    }

    private ReconcileResult reconcile(ReconcileRequest request) {
        try (Reconciler reconciler = new Reconciler(db.database(), nextMorning)) {
            return reconciler.run(request);
        }
    }

    private UserKey userWithMessages(int limit, int messages) {
        return planted.userWithMessages(limit, messages);
    }

    private void sql(String statement, Object... args) {
        planted.sql(statement, args);
    }

    private Map<UserKey, List<String>> kindsByUser(ReconcileResult result) {
        try (Reconciler reconciler = new Reconciler(db.database(), nextMorning)) {
            return reconciler.findings(result.runId(), 0).stream()
                    .collect(Collectors.toMap(Finding::userId, finding -> finding.kinds().stream().sorted().toList()));
        }
    }

    /** One user per drift kind, plus clean ones around them. */
    private Map<String, UserKey> plantEveryKind() {
        return planted.everyKind(DAY.date());
    }

    @Test
    void givenEveryDriftKindPlanted_whenReported_thenEachIsFoundExactlyAndCleanUsersAreNot() {
        Map<String, UserKey> users = plantEveryKind();

        ReconcileResult result = reconcile(request(ReconcileMode.REPORT));

        assertThat(result.completed()).isTrue();
        assertThat(kindsByUser(result)).containsExactlyInAnyOrderEntriesOf(Map.of(
                users.get("over_counted"), List.of("over_counted"),
                users.get("under_counted"), List.of("under_counted"),
                users.get("missing_counter"), List.of("missing_counter"),
                users.get("orphan_counter"), List.of("orphan_counter"),
                users.get("over_limit"), List.of("over_limit")));
        assertThat(result.rowsScanned()).isEqualTo(7);
        assertThat(result.remaining()).isEqualTo(5);
        assertThat(fixtures.usedCount(users.get("over_counted"), DAY.date())).as("report mode changes nothing").isEqualTo(5);
    }

    @Test
    void givenEveryDriftKindPlanted_whenTheOneQueryCeilingCounts_thenItAgreesWithTheJob() {
        plantEveryKind();
        try (Reconciler reconciler = new Reconciler(db.database(), nextMorning)) {
            assertThat(reconciler.countDriftsInOneQuery(request(ReconcileMode.REPORT))).isEqualTo(5);
        }
    }

    @Test
    void givenASubscriptionEndedAtTheDaysFirstInstant_whenReported_thenTheDaysCounterIsAnOrphan() {
        UserKey leaver = userWithMessages(10, 2);
        fixtures.cancelSubscription(leaver, DAY.startsAt());

        ReconcileResult result = reconcile(request(ReconcileMode.REPORT));

        assertThat(kindsByUser(result)).containsExactly(Map.entry(leaver, List.of("orphan_counter")));
    }

    @Test
    void givenACleanDay_whenReported_thenNoFindings() {
        userWithMessages(10, 3);
        userWithMessages(20, 20);
        adjustments.adjust(AdjustmentRequest.of(AdjustmentKind.REFUND, String.valueOf(userWithMessages(10, 6)), 2, "test", "ops").on(DAY));

        ReconcileResult result = reconcile(request(ReconcileMode.REPORT));

        assertThat(result.drifts()).isZero();
        assertThat(result.rowsScanned()).isEqualTo(3);
    }

    @Test
    void givenDrift_whenRepairedAndRunAgain_thenNoCounterDriftRemainsAndOnlyWhatNeedsAPersonIsReportedAgain() {
        Map<String, UserKey> users = plantEveryKind();

        ReconcileResult repair = reconcile(request(ReconcileMode.REPAIR));
        ReconcileResult again = reconcile(new ReconcileRequest(DAY, DAY, ReconcileMode.REPORT, 100, 2, false, false));

        assertThat(repair.repaired()).isEqualTo(3);
        assertThat(again.driftsByKind()).containsEntry("over_counted", 0L).containsEntry("under_counted", 0L)
                .containsEntry("missing_counter", 0L).containsEntry("orphan_counter", 1L).containsEntry("over_limit", 1L);
        assertThat(fixtures.usedCount(users.get("over_counted"), DAY.date())).isEqualTo(3);
        assertThat(fixtures.usedCount(users.get("missing_counter"), DAY.date())).isEqualTo(2);
        int reconcileRows = db.jdbi().withHandle(h -> h.createQuery(
                "SELECT count(*) FROM quota_adjustments WHERE kind = 'reconcile' AND actor = 'reconciler' AND reason LIKE 'reconciliation run %'")
                .mapTo(Integer.class).one());
        assertThat(reconcileRows).isEqualTo(3);
    }

    @Test
    void givenLiveConsumption_whenRepairingTheSameCounters_thenNoIncrementIsLost() throws Exception {
        clock.set(Instant.parse("2026-07-01T20:00:00Z"));
        UserKey[] users = new UserKey[6];
        for (int i = 0; i < users.length; i++) {
            users[i] = userWithMessages(100_000, 5);
            sql("UPDATE user_daily_quota_usages SET used_count = used_count + 3 WHERE user_id = ?", users[i]);
        }
        AtomicBoolean repairing = new AtomicBoolean(true);
        AtomicInteger repairs = new AtomicInteger();
        Thread repairer = new Thread(() -> {
            while (repairing.get()) {
                reconcile(new ReconcileRequest(DAY, DAY, ReconcileMode.REPAIR, 1, 2, true, true));
                repairs.incrementAndGet();
            }
        });
        repairer.start();
        ConcurrentCalls.Outcomes outcomes;
        try {
            outcomes = ConcurrentCalls.run(6, 60, (t, a) -> service.acceptMessage(String.valueOf(users[t]), null));
        } finally {
            repairing.set(false);
            repairer.join();
        }
        reconcile(new ReconcileRequest(DAY, DAY, ReconcileMode.REPAIR, 10, 2, true, true));

        assertThat(outcomes.unexpected).isEmpty();
        assertThat(repairs.get()).isPositive();
        for (UserKey user : users) {
            assertThat(fixtures.usedCount(user, DAY.date())).isEqualTo(fixtures.messageCount(user, DAY.date()));
        }
        assertThat(QuotaInvariants.check(db.jdbi()).holds()).isTrue();
    }

    @Test
    void givenACompletedDay_whenStartedAgainWithoutRerun_thenRefusedWithAHint() {
        userWithMessages(10, 1);
        reconcile(request(ReconcileMode.REPORT));

        assertThatThrownBy(() -> reconcile(request(ReconcileMode.REPORT)))
                .isInstanceOfSatisfying(QuotaException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                    assertThat(e.getMessage()).contains("--rerun");
                });
    }

    @Test
    void givenAnEmptyDay_whenReported_thenCompletedWithNothingScanned() {
        ReconcileResult result = reconcile(request(ReconcileMode.REPORT));
        assertThat(result.completed()).isTrue();
        assertThat(result.rowsScanned()).isZero();
        assertThat(result.drifts()).isZero();
    }

    @Test
    void givenADayWithOnlyAdjustments_whenReported_thenAGrantIsCleanAndACounterlessChargeIsMissing() {
        UserKey granted = fixtures.subscribedUser(10);
        adjustments.adjust(AdjustmentRequest.of(AdjustmentKind.GRANT, String.valueOf(granted), 5, "vip", "ops").on(DAY));
        UserKey charged = fixtures.subscribedUser(10);
        adjustments.adjust(AdjustmentRequest.of(AdjustmentKind.CHARGE, String.valueOf(charged), 3, "api", "ops").on(DAY));
        sql("DELETE FROM user_daily_quota_usages WHERE user_id = ?", charged);

        ReconcileResult result = reconcile(request(ReconcileMode.REPORT));

        assertThat(kindsByUser(result)).containsExactlyEntriesOf(Map.of(charged, List.of("missing_counter")));
    }

    @Test
    void givenTodayWithoutIncludeToday_whenRun_thenRefused() {
        QuotaDay today = QuotaDay.today(nextMorning);
        assertThatThrownBy(() -> reconcile(new ReconcileRequest(today, today, ReconcileMode.REPORT, 10, 1, false, false)))
                .isInstanceOfSatisfying(QuotaException.class, e -> assertThat(e.getMessage()).contains("--include-today"));
    }

    @Test
    void givenBadParameters_whenARequestIsMade_thenClearErrors() {
        assertThatThrownBy(() -> new ReconcileRequest(DAY, DAY.previous(), ReconcileMode.REPORT, 10, 1, false, false))
                .hasMessageContaining("after");
        assertThatThrownBy(() -> ReconcileMode.fromCode("fix")).hasMessageContaining("unknown mode");
        assertThatThrownBy(() -> new ReconcileRequest(DAY, DAY, ReconcileMode.REPORT, 0, 1, false, false))
                .hasMessageContaining("chunk size");
    }

    @Test
    void givenYesterdayByDefault_whenBuilt_thenItIsThePreviousUtcDay() {
        assertThat(ReconcileRequest.yesterday(nextMorning, ReconcileMode.REPORT).from().date()).isEqualTo(LocalDate.of(2026, 7, 1));
    }
}
