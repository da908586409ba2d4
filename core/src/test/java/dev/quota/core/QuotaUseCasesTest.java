package dev.quota.core;
import dev.quota.core.db.ConnectionSource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.quota.core.persistence.AdjustmentRow;
import dev.quota.core.persistence.TopUser;
import dev.quota.core.service.AdjustmentService;
import dev.quota.core.service.ChatService;
import dev.quota.core.service.ReportService;
import dev.quota.core.strategy.Strategies;
import dev.quota.core.testing.FreshDatabase;
import dev.quota.core.testing.MutableClock;
import dev.quota.core.testing.QuotaFixtures;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The three use cases (the chat path, adjustments, reports) on one database, as support and the chat meet them. */
class QuotaUseCasesTest {

    @RegisterExtension
    final FreshDatabase db = new FreshDatabase();

    private final MutableClock clock = MutableClock.at("2026-05-20T10:15:00Z");
    private static final LocalDate TODAY = LocalDate.of(2026, 5, 20);
    private ChatService chat;
    private AdjustmentService adjusting;
    private ReportService reports;
    private QuotaFixtures fixtures;

    @BeforeEach
    void setUp() {
        chat = new ChatService(db.jdbi(), Strategies.open(Strategies.DEFAULT, db.jdbi()), clock);
        adjusting = new AdjustmentService(db.jdbi(), clock);
        reports = new ReportService(ConnectionSource.of(db.jdbi()), clock);
        fixtures = db.fixtures();
    }

    @Test
    void givenASubscribedUser_whenStatusIsAsked_thenThePlanLimitNothingConsumedAndTheNextMidnight() {
        UserKey user = fixtures.subscribedUser("ada@example.com", 20);

        QuotaStatus status = reports.status(String.valueOf(user));

        assertThat(status.limit()).isEqualTo(20);
        assertThat(status.consumed()).isZero();
        assertThat(status.remaining()).isEqualTo(20);
        assertThat(status.planCode()).isEqualTo("limit-20");
        assertThat(status.resetAt()).hasToString("2026-05-21T00:00:00Z");
    }

    @Test
    void givenAPlanChangedToday_whenAFinishedDayIsAsked_thenItKeepsTheLimitOfThePlanThatCoveredIt() {
        UserKey user = fixtures.subscribedUser("upgrade@example.com", 10);
        fixtures.changePlan(user, 50, clock.instant());

        QuotaStatus yesterday = reports.status(String.valueOf(user), QuotaDay.of(TODAY.minusDays(1)));

        assertThat(yesterday.limit()).isEqualTo(10);
        assertThat(yesterday.planCode()).isEqualTo("limit-10");
        assertThat(reports.status(String.valueOf(user)).limit()).isEqualTo(50);
    }

    @Test
    void givenAnUpgradeAfterAFullDay_whenThatDaysBlockedUsersAreListed_thenTheUserStillShowsAsBlocked() {
        UserKey user = fixtures.subscribedUser("blocked-yesterday@example.com", 3);
        QuotaDay yesterday = QuotaDay.of(TODAY).previous();
        adjusting.adjust(AdjustmentRequest.of(AdjustmentKind.SET, String.valueOf(user), 3, "backfill", "ops").on(yesterday));
        fixtures.changePlan(user, 50, clock.instant());

        List<TopUser> blocked = reports.top(yesterday, true, 10);

        assertThat(blocked).extracting(TopUser::userId, TopUser::limit).containsExactly(tuple(user, 3));
    }

    @Test
    void givenASubscriptionEndedAtMidnight_whenTheDayThatMidnightStartsIsAsked_thenItIsNotCovered() {
        UserKey user = fixtures.subscribedUser("leaver@example.com", 10);
        QuotaDay yesterday = QuotaDay.of(TODAY).previous();
        fixtures.cancelSubscription(user, yesterday.startsAt());

        assertThatThrownBy(() -> reports.status(String.valueOf(user), yesterday))
                .isInstanceOfSatisfying(QuotaException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.NO_ACTIVE_SUBSCRIPTION));
        assertThat(reports.status(String.valueOf(user), yesterday.previous()).limit()).isEqualTo(10);
    }

    @Test
    void givenASubscriptionStartedToday_whenYesterdayIsAsked_thenNoActiveSubscription() {
        UserKey user = fixtures.subscribedUser("newcomer@example.com", 10, clock.instant());

        assertThatThrownBy(() -> reports.status(String.valueOf(user), QuotaDay.of(TODAY.minusDays(1))))
                .isInstanceOfSatisfying(QuotaException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.NO_ACTIVE_SUBSCRIPTION);
                    assertThat(e.getMessage()).contains("had no subscription on 2026-05-19");
                });
    }

    @Test
    void givenAnEmailInAnotherCase_whenStatusIsAsked_thenTheUserIsFound() {
        UserKey user = fixtures.subscribedUser("grace@example.com", 5);
        assertThat(reports.status("Grace@Example.com").userId()).isEqualTo(user);
    }

    @Test
    void givenAUserWithoutSubscription_whenStatusIsAsked_thenNoActiveSubscription() {
        fixtures.unsubscribedUser("free@example.com");
        assertThatThrownBy(() -> reports.status("free@example.com"))
                .isInstanceOfSatisfying(QuotaException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.NO_ACTIVE_SUBSCRIPTION));
    }

    @Test
    void givenAUserWithoutSubscriptionById_whenConsuming_thenNoActiveSubscriptionAndNothingStored() {
        UserKey user = fixtures.unsubscribedUser("nosub@example.com");

        assertThatThrownBy(() -> chat.acceptMessage(String.valueOf(user), null))
                .isInstanceOfSatisfying(QuotaException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.NO_ACTIVE_SUBSCRIPTION));
        assertThat(fixtures.usedCount(user, TODAY)).isZero();
        assertThat(fixtures.totalMessages()).isZero();
    }

    @Test
    void givenAnUnknownId_whenConsuming_thenUserNotFound() {
        assertThatThrownBy(() -> chat.acceptMessage("424242", null))
                .isInstanceOfSatisfying(QuotaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USER_NOT_FOUND));
    }

    @Test
    void givenAnUnknownId_whenStatusIsAsked_thenUserNotFound() {
        assertThatThrownBy(() -> reports.status("987654"))
                .isInstanceOfSatisfying(QuotaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USER_NOT_FOUND));
    }

    @Test
    void givenAnUnknownEmail_whenConsuming_thenUserNotFoundAndNothingStored() {
        assertThatThrownBy(() -> chat.acceptMessage("nobody@example.com", null))
                .isInstanceOfSatisfying(QuotaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USER_NOT_FOUND));
        assertThat(fixtures.totalMessages()).isZero();
    }

    @Test
    void givenALimitOfThree_whenFourMessagesArrive_thenTheFourthIsRefusedWithTheDetails() {
        UserKey user = fixtures.subscribedUser(3);
        for (int i = 0; i < 3; i++) {
            chat.acceptMessage(String.valueOf(user), "req-" + i);
        }

        assertThatThrownBy(() -> chat.acceptMessage(String.valueOf(user), "req-blocked"))
                .isInstanceOfSatisfying(QuotaException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.QUOTA_EXCEEDED);
                    assertThat(e.requestId()).isEqualTo("req-blocked");
                    assertThat(e.details()).containsEntry("limit", 3).containsEntry("consumed", 3)
                            .containsEntry("remaining", 0).containsEntry("reset_at", "2026-05-21T00:00:00Z");
                });
        assertThat(fixtures.usedCount(user, TODAY)).isEqualTo(3);
        assertThat(fixtures.messageCount(user, TODAY)).isEqualTo(3);
        assertThat(chat.metrics().exceededTotal()).isEqualTo(1);
        assertThat(chat.metrics().consumedTotal()).isEqualTo(3);
    }

    @Test
    void givenAcceptedMessages_whenCounted_thenExactlyOneStoredMessagePerConsumedUnit() {
        UserKey user = fixtures.subscribedUser(10);
        chat.acceptMessage(String.valueOf(user), null);
        chat.consume(String.valueOf(user), 4, "batch-1");

        assertThat(fixtures.usedCount(user, TODAY)).isEqualTo(5);
        assertThat(fixtures.messageCount(user, TODAY)).isEqualTo(5);
    }

    @Test
    void givenAMessageThatCannotBeStored_whenConsuming_thenTheCounterIsUnchanged() {
        UserKey user = fixtures.subscribedUser(10);
        // a trigger that rejects the message row stands in for any failure of the insert
        db.jdbi().useHandle(h -> h.execute("""
                CREATE FUNCTION refuse_message() RETURNS trigger LANGUAGE plpgsql AS
                $$ BEGIN RAISE EXCEPTION 'storage refused'; END $$;
                CREATE TRIGGER refuse BEFORE INSERT ON chat_messages FOR EACH ROW EXECUTE FUNCTION refuse_message();
                """));

        assertThatThrownBy(() -> chat.acceptMessage(String.valueOf(user), "will-fail"))
                .isInstanceOf(QuotaException.class);
        assertThat(fixtures.usedCount(user, TODAY)).isZero();
        assertThat(fixtures.messageCount(user, TODAY)).isZero();
    }

    @Test
    void givenACommittedRequest_whenTheClientRetriesIt_thenTheOriginalOutcomeAndNoSecondCharge() {
        UserKey user = fixtures.subscribedUser(10);
        Consumption first = chat.acceptMessage(String.valueOf(user), "retry-me");

        Consumption retry = chat.acceptMessage(String.valueOf(user), "retry-me");

        assertThat(first.replayed()).isFalse();
        assertThat(retry.replayed()).isTrue();
        assertThat(retry.status().consumed()).isEqualTo(1);
        assertThat(fixtures.usedCount(user, TODAY)).isEqualTo(1);
        assertThat(fixtures.messageCount(user, TODAY)).isEqualTo(1);
    }

    @Test
    void givenACommittedRequestOnAFullDay_whenRetried_thenStillTheOriginalOutcomeNotQuotaExceeded() {
        UserKey user = fixtures.subscribedUser(1);
        chat.acceptMessage(String.valueOf(user), "last-one");

        assertThat(chat.acceptMessage(String.valueOf(user), "last-one").replayed()).isTrue();
    }

    @Test
    void givenARequestIdOfAnotherUser_whenReused_thenInvalidInputAndNoCharge() {
        UserKey alice = fixtures.subscribedUser(5);
        UserKey bob = fixtures.subscribedUser(5);
        chat.acceptMessage(String.valueOf(alice), "shared-id");

        assertThatThrownBy(() -> chat.acceptMessage(String.valueOf(bob), "shared-id"))
                .isInstanceOfSatisfying(QuotaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT));
        assertThat(fixtures.usedCount(bob, TODAY)).isZero();
    }

    @Test
    void givenAGrant_whenStatusIsAsked_thenTheLimitIncludesItAndTheGrantIsAudited() {
        UserKey user = fixtures.subscribedUser(10);

        Adjustment grant = adjusting.adjust(AdjustmentRequest.of(AdjustmentKind.GRANT, String.valueOf(user), 5, "apology", "support:ana"));

        assertThat(grant.appliedDelta()).isEqualTo(5);
        assertThat(grant.after().limit()).isEqualTo(15);
        assertThat(reports.status(String.valueOf(user)).limit()).isEqualTo(15);
        List<AdjustmentRow> trail = reports.adjustments(user, QuotaDay.of(TODAY), QuotaDay.of(TODAY));
        assertThat(trail).singleElement().satisfies(row -> {
            assertThat(row.kind()).isEqualTo("grant");
            assertThat(row.reason()).isEqualTo("apology");
            assertThat(row.actor()).isEqualTo("support:ana");
            assertThat(row.requestId()).isNotBlank();
        });
    }

    @Test
    void givenARefundLargerThanUsage_whenApplied_thenTheCounterStopsAtZeroAndTheAppliedDeltaIsRecorded() {
        UserKey user = fixtures.subscribedUser(10);
        chat.consume(String.valueOf(user), 2, null);

        Adjustment refund = adjusting.adjust(AdjustmentRequest.of(AdjustmentKind.REFUND, String.valueOf(user), 5, "bug", "ops"));

        assertThat(refund.appliedDelta()).isEqualTo(-2);
        assertThat(refund.requested()).isEqualTo(5);
        assertThat(fixtures.usedCount(user, TODAY)).isZero();
        assertThat(fixtures.adjustmentSum(user, TODAY, true)).isEqualTo(-2);
    }

    @Test
    void givenResetAndSetAndCharge_whenApplied_thenEachMovesTheCounterAsItsRuleSays() {
        UserKey user = fixtures.subscribedUser(10);
        String ref = String.valueOf(user);
        chat.consume(ref, 6, null);

        adjusting.adjust(AdjustmentRequest.of(AdjustmentKind.RESET, ref, 0, "new start", "ops"));
        assertThat(fixtures.usedCount(user, TODAY)).isZero();
        adjusting.adjust(AdjustmentRequest.of(AdjustmentKind.SET, ref, 7, "manual fix", "ops"));
        assertThat(fixtures.usedCount(user, TODAY)).isEqualTo(7);
        Adjustment charge = adjusting.adjust(AdjustmentRequest.of(AdjustmentKind.CHARGE, ref, 9, "api usage", "ops"));
        assertThat(charge.appliedDelta()).isEqualTo(3);
        assertThat(fixtures.usedCount(user, TODAY)).isEqualTo(10);
    }

    @Test
    void givenADryRun_whenAdjusting_thenBeforeAndAfterAreShownAndNothingIsWritten() {
        UserKey user = fixtures.subscribedUser(10);
        chat.consume(String.valueOf(user), 4, null);

        Adjustment preview = adjusting.adjust(
                AdjustmentRequest.of(AdjustmentKind.RESET, String.valueOf(user), 0, "try", "ops").asDryRun());

        assertThat(preview.dryRun()).isTrue();
        assertThat(preview.before().consumed()).isEqualTo(4);
        assertThat(preview.after().consumed()).isZero();
        assertThat(fixtures.usedCount(user, TODAY)).isEqualTo(4);
        assertThat(fixtures.adjustmentSum(user, TODAY, false)).isZero();
    }

    @Test
    void givenARetriedAdjustment_whenTheSameRequestIdArrivesAgain_thenItIsAppliedOnce() {
        UserKey user = fixtures.subscribedUser(10);
        AdjustmentRequest grant = AdjustmentRequest.of(AdjustmentKind.GRANT, String.valueOf(user), 5, "vip", "ops")
                .withRequestId("grant-1");

        adjusting.adjust(grant);
        Adjustment again = adjusting.adjust(grant);

        assertThat(again.replayed()).isTrue();
        assertThat(reports.status(String.valueOf(user)).limit()).isEqualTo(15);
    }

    @Test
    void givenAnAdjustmentRequestIdOfOneUser_whenAnotherUserIsAdjustedWithIt_thenBothAreApplied() {
        UserKey alice = fixtures.subscribedUser(10);
        UserKey bob = fixtures.subscribedUser(10);
        adjusting.adjust(AdjustmentRequest.of(AdjustmentKind.GRANT, String.valueOf(alice), 5, "vip", "ops").withRequestId("grant-1"));

        Adjustment bobs = adjusting.adjust(AdjustmentRequest.of(AdjustmentKind.GRANT, String.valueOf(bob), 3, "vip", "ops")
                .withRequestId("grant-1"));

        assertThat(bobs.replayed()).isFalse();
        assertThat(reports.status(String.valueOf(alice)).limit()).isEqualTo(15);
        assertThat(reports.status(String.valueOf(bob)).limit()).isEqualTo(13);
    }

    @Test
    void givenAPastDay_whenAdjusting_thenOnlyThatDayChanges() {
        UserKey user = fixtures.subscribedUser(10);
        QuotaDay yesterday = QuotaDay.of(TODAY).previous();

        adjusting.adjust(AdjustmentRequest.of(AdjustmentKind.SET, String.valueOf(user), 4, "backfill", "ops").on(yesterday));

        assertThat(fixtures.usedCount(user, yesterday.date())).isEqualTo(4);
        assertThat(fixtures.usedCount(user, TODAY)).isZero();
    }

    @Test
    void givenConsumptionJustBeforeMidnight_whenTheClockCrossesIt_thenTheNewDayStartsEmpty() {
        UserKey user = fixtures.subscribedUser(2);
        clock.set(java.time.Instant.parse("2026-05-20T23:59:59.999999Z"));
        chat.consume(String.valueOf(user), 2, null);
        clock.set(java.time.Instant.parse("2026-05-21T00:00:00Z"));

        Consumption next = chat.acceptMessage(String.valueOf(user), null);

        assertThat(next.status().day()).isEqualTo(QuotaDay.parse("2026-05-21"));
        assertThat(next.status().consumed()).isEqualTo(1);
        assertThat(fixtures.messageCount(user, TODAY)).isEqualTo(2);
    }

    @Test
    void givenBadCounts_whenConsuming_thenInvalidInputBeforeTouchingTheDatabase() {
        assertThatThrownBy(() -> chat.consume("1", 0, null))
                .isInstanceOfSatisfying(QuotaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT));
        assertThatThrownBy(() -> chat.consume("1", ChatService.MAX_UNITS_PER_CALL + 1, null))
                .isInstanceOfSatisfying(QuotaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT));
        assertThatThrownBy(() -> chat.consume(" ", 1, null))
                .isInstanceOfSatisfying(QuotaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT));
    }
}
