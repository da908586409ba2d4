package dev.quota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quota.core.AdjustmentKind;
import dev.quota.core.AdjustmentRequest;
import dev.quota.core.service.AdjustmentService;
import dev.quota.core.QuotaDay;
import dev.quota.core.QuotaException;
import dev.quota.core.QuotaStatus;
import dev.quota.core.service.ReportService;
import dev.quota.core.UserKey;
import dev.quota.core.check.InvariantViolation;
import dev.quota.core.check.QuotaInvariants;
import dev.quota.core.db.Database;
import dev.quota.core.db.ServerClock;
import dev.quota.core.testing.QuotaFixtures;
import dev.quota.core.testing.SharedPostgres;
import dev.quota.reconciler.Finding;
import dev.quota.reconciler.LedgerScan;
import dev.quota.reconciler.ReconcileMode;
import dev.quota.reconciler.ReconcileRequest;
import dev.quota.reconciler.ReconcileResult;
import dev.quota.reconciler.Reconciler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * One rule, every reader: over random histories (plans changed up and down mid-day or
 * cancelled, grants, refunds, charges, backdated and current consumption), the SQL API's
 * {@code quota.status}, the Java reads behind {@code quota show}, the command line's JSON, the
 * reconciler and the invariants check give each user-day the same limit, and the reconciler
 * and the invariants the same expected counter. Every counter is then planted one over its
 * log, so that both drift readers report every user-day. The days are the database's today
 * and the two before it.
 */
class DayRulesPropertyTest {

    /** One thing that happens to a user, at a fraction of a day's seconds into one of the three days. */
    record Event(String kind, int dayBack, double at, int amount) {
    }

    record History(int firstLimit, List<Event> events) {
    }

    @Provide
    Arbitrary<History> histories() {
        Arbitrary<Event> event = Combinators.combine(
                        Arbitraries.of("plan", "plan", "cancel", "grant", "refund", "charge", "consume", "consume", "consume"),
                        Arbitraries.integers().between(0, 2), Arbitraries.doubles().between(0, 1), Arbitraries.integers().between(1, 12))
                .as(Event::new);
        return Combinators.combine(Arbitraries.integers().between(1, 15), event.list().ofMaxSize(8)).as(History::new);
    }

    private static String judged(Finding finding) {
        return finding.userId() + "/" + finding.quotaDate() + " counter " + finding.usedCount() + " expected " + finding.expected()
                + " limit " + finding.effectiveLimit() + " " + finding.kinds();
    }

    @Property(tries = 3, seed = "20261130")
    void givenRandomHistories_whenEveryReaderJudgesEachDay_thenTheyAgree(@ForAll @Size(min = 80, max = 100) List<@From("histories") History> histories) {
        String name = SharedPostgres.get().createDatabase();
        try (Database database = Database.open(SharedPostgres.get().config(name).withPoolSize(4))) {
            Clock server = ServerClock.of(database);
            LocalDate today = QuotaDay.today(server).date();
            List<UserKey> users = new ArrayList<>();
            for (History history : histories) {
                users.add(play(database, server, today, history));
            }
            // planted: every counter one over its log, so both drift readers report every day that has one
            database.jdbi().useHandle(handle -> handle.execute("UPDATE user_daily_quota_usages SET used_count = used_count + 1"));

            Map<String, Integer> sqlLimits = new HashMap<>();
            ReportService reports = new ReportService(database, server);
            String url = SharedPostgres.get().config(name).jdbcUrl() + "?user=postgres";
            int shownByCli = 0;
            for (UserKey user : users) {
                for (int back = 0; back <= 2; back++) {
                    LocalDate day = today.minusDays(back);
                    Optional<int[]> sql = sqlStatus(database, user, day);
                    Optional<QuotaStatus> shown = javaStatus(reports, user, day);
                    assertThat(shown.map(s -> new int[] {s.limit(), s.consumed()}).orElse(null))
                            .as("quota show and quota.status for user %d on %s", user, day).isEqualTo(sql.orElse(null));
                    if (sql.isPresent()) {
                        sqlLimits.put(user + "/" + day, sql.get()[0]);
                        if (shownByCli++ % 10 == 0) {
                            JsonNode json = CliRun.run(url, server, "", false, "show", String.valueOf(user), "--date", day.toString(),
                                    "-o", "json").exits(0).json();
                            assertThat(json.at("/data/limit").asInt()).as("quota show -o json, user %d on %s", user, day)
                                    .isEqualTo(sql.get()[0]);
                        }
                    }
                }
            }

            Map<String, Integer> expectedByJob = new HashMap<>();
            try (Reconciler reconciler = new Reconciler(database, server)) {
                ReconcileRequest request = new ReconcileRequest(QuotaDay.of(today.minusDays(2)), QuotaDay.of(today),
                        ReconcileMode.REPORT, 1000, 2, true, true).withoutPruning();
                List<Finding> oneQuery = reconciler.findings(reconciler.run(request.scanning(LedgerScan.ONE_QUERY)).runId(), 0);
                for (Finding finding : oneQuery) {
                    String key = finding.userId() + "/" + finding.quotaDate();
                    expectedByJob.put(key, finding.expected());
                    if (finding.effectiveLimit() != null) {
                        assertThat(finding.effectiveLimit()).as("the reconciler's limit for %s", key).isEqualTo(sqlLimits.get(key));
                    }
                }
                // the merged scan adds the messages in Java (DayLedger.expectedUsage): it must judge every day alike
                List<Finding> merged = reconciler.findings(reconciler.run(request.scanning(LedgerScan.MERGED)).runId(), 0);
                assertThat(merged).as("the merged scan's findings").map(DayRulesPropertyTest::judged)
                        .containsExactlyInAnyOrderElementsOf(oneQuery.stream().map(DayRulesPropertyTest::judged).toList());
            }
            List<InvariantViolation> all = QuotaInvariants.all(database.jdbi());
            assertThat(all).isNotEmpty();
            assertThat(database.jdbi().withHandle(QuotaInvariants::merged)).as("the invariants merged apart from the messages")
                    .containsExactlyElementsOf(all);
            for (InvariantViolation violation : all) {
                String key = violation.userId() + "/" + violation.quotaDate();
                assertThat(violation.expected()).as("the invariants' and the reconciler's expected counter for %s", key)
                        .isEqualTo(expectedByJob.get(key));
                if (violation.limit() != null) {
                    assertThat(violation.limit()).as("the invariants' limit for %s", key).isEqualTo(sqlLimits.get(key));
                }
            }
            assertThat(expectedByJob).as("user-days the reconciler reported").hasSameSizeAs(all);
        } finally {
            SharedPostgres.get().dropDatabase(name);
        }
    }

    private static UserKey play(Database database, Clock server, LocalDate today, History history) {
        QuotaFixtures fixtures = new QuotaFixtures(database.jdbi());
        Instant now = server.instant();
        Instant start = today.minusDays(3).atStartOfDay().toInstant(ZoneOffset.UTC);
        UserKey user = fixtures.subscribedUser("h" + UUID.randomUUID() + "@example.com", history.firstLimit(), start);
        boolean subscribed = true;
        AdjustmentService adjustments = new AdjustmentService(database.jdbi(), server);
        List<Event> events = new ArrayList<>(history.events());
        events.sort((a, b) -> Double.compare(instant(today, a, now).toEpochMilli(), instant(today, b, now).toEpochMilli()));
        for (Event event : events) {
            Instant at = instant(today, event, now);
            LocalDate day = today.minusDays(event.dayBack());
            switch (event.kind()) {
                case "plan" -> {
                    fixtures.changePlan(user, event.amount(), at);
                    subscribed = true;
                }
                case "cancel" -> {
                    if (subscribed) {
                        fixtures.cancelSubscription(user, at);
                        subscribed = false;
                    }
                }
                case "grant", "refund", "charge" -> {
                    try {
                        adjustments.adjust(new AdjustmentRequest(AdjustmentKind.valueOf(event.kind().toUpperCase(java.util.Locale.ROOT)),
                                String.valueOf(user), QuotaDay.of(day), event.amount(), "property test", "tester", null, false));
                    } catch (QuotaException refused) {
                        // no plan that day, or a charge past the limit: refused, as support would be
                    }
                }
                default -> database.jdbi().useTransaction(handle -> {
                    String requestId = UUID.randomUUID().toString();
                    boolean accepted = handle.createQuery("SELECT accepted AND NOT replayed FROM quota.consume(:u, :n, :r, :at)")
                            .bind("u", user).bind("n", Math.min(3, event.amount())).bind("r", requestId)
                            .bind("at", at.atOffset(ZoneOffset.UTC)).mapTo(Boolean.class).one();
                    if (accepted) {
                        handle.createUpdate("""
                                        INSERT INTO chat_messages (user_id, role, created_at, request_id)
                                        SELECT :u, 'user', CAST(:at AS timestamptz), :r || '-' || i FROM generate_series(1, :n) i
                                        """)
                                .bind("u", user).bind("at", at.atOffset(ZoneOffset.UTC)).bind("r", requestId)
                                .bind("n", Math.min(3, event.amount())).execute();
                    }
                });
            }
        }
        return user;
    }

    @Example
    void givenAPlanLoweredAtNoonYesterday_whenEachReaderJudgesYesterday_thenAllKeepTheHighestLimitThatCoveredIt() {
        String name = SharedPostgres.get().createDatabase();
        try (Database database = Database.open(SharedPostgres.get().config(name).withPoolSize(4))) {
            Clock server = ServerClock.of(database);
            LocalDate yesterday = QuotaDay.today(server).date().minusDays(1);
            Instant noon = yesterday.atTime(12, 0).toInstant(ZoneOffset.UTC);
            QuotaFixtures fixtures = new QuotaFixtures(database.jdbi());
            UserKey user = fixtures.subscribedUser("lowered@example.com", 200, noon.minus(Duration.ofDays(2)));
            fixtures.changePlan(user, 5, noon);
            database.jdbi().useHandle(handle -> handle.execute(
                    "INSERT INTO user_daily_quota_usages (user_id, quota_date, used_count) VALUES (?, ?, 7)", user, yesterday));

            int sql = sqlStatus(database, user, yesterday).orElseThrow()[0];
            int shown = new ReportService(database, server).status(String.valueOf(user), QuotaDay.of(yesterday)).limit();
            int invariants = QuotaInvariants.all(database.jdbi()).get(0).limit();
            int job;
            try (Reconciler reconciler = new Reconciler(database, server)) {
                ReconcileResult result = reconciler.run(new ReconcileRequest(QuotaDay.of(yesterday), QuotaDay.of(yesterday),
                        ReconcileMode.REPORT, 1000, 1, false, true).withoutPruning());
                job = reconciler.findings(result.runId(), 0).get(0).effectiveLimit();
            }

            assertThat(List.of(sql, shown, invariants, job)).containsOnly(200);
        } finally {
            SharedPostgres.get().dropDatabase(name);
        }
    }

    /** The event's instant: into its day, and never after now. */
    private static Instant instant(LocalDate today, Event event, Instant now) {
        Instant dayStart = today.minusDays(event.dayBack()).atStartOfDay().toInstant(ZoneOffset.UTC);
        Instant end = event.dayBack() == 0 ? now.minusSeconds(1) : dayStart.plus(Duration.ofDays(1));
        long span = Math.max(1, Duration.between(dayStart, end).toMillis());
        return dayStart.plusMillis((long) (span * event.at()));
    }

    /** quota.status's limit and consumed, or empty when no plan covers the day. */
    private static Optional<int[]> sqlStatus(Database database, UserKey user, LocalDate day) {
        try {
            return Optional.of(database.jdbi().withHandle(handle -> handle.createQuery(
                            "SELECT daily_limit, consumed FROM quota.status(:u, :d)")
                    .bind("u", user).bind("d", day).map((rs, ctx) -> new int[] {rs.getInt(1), rs.getInt(2)}).one()));
        } catch (RuntimeException noPlan) {
            assertThat(noPlan).hasMessageContaining("no active subscription");
            return Optional.empty();
        }
    }

    private static Optional<QuotaStatus> javaStatus(ReportService reports, UserKey user, LocalDate day) {
        try {
            return Optional.of(reports.status(String.valueOf(user), QuotaDay.of(day)));
        } catch (QuotaException noPlan) {
            return Optional.empty();
        }
    }
}
