package dev.quota.core;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quota.core.check.QuotaInvariants;
import dev.quota.core.persistence.HoldFunctions;
import dev.quota.core.service.ChatService;
import dev.quota.core.service.ReplyHold;
import dev.quota.core.strategy.ChatPath;
import dev.quota.core.strategy.Strategies;
import dev.quota.core.testing.FreshDatabase;
import dev.quota.core.testing.MutableClock;
import dev.quota.core.testing.QuotaFixtures;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** The Java chat paths' holds: reserve before the reply, then settle with its messages or release. */
class ReplyHoldsTest {

    static final List<String> STRATEGIES = Strategies.NAMES;
    private static final Duration TTL = Duration.ofMinutes(2);

    @RegisterExtension
    final FreshDatabase db = new FreshDatabase();

    private final MutableClock clock = MutableClock.at("2026-05-20T10:15:00Z");
    private static final LocalDate DAY = LocalDate.of(2026, 5, 20);
    private QuotaFixtures fixtures;
    private ChatPath path;

    @BeforeEach
    void fixtures() {
        fixtures = db.fixtures();
    }

    @AfterEach
    void closePath() {
        if (path != null) {
            path.close();
        }
    }

    private ChatService chat(String strategy) {
        path = Strategies.open(strategy, db.jdbi());
        return new ChatService(db.jdbi(), path, clock);
    }

    @ParameterizedTest
    @FieldSource("STRATEGIES")
    void givenAHold_whenTheReplyIsSettled_thenItsMessagesAreStoredAndChargedInOneCommit(String strategy) {
        ChatService chat = chat(strategy);
        UserKey user = fixtures.subscribedUser(5);

        ReplyHold hold = chat.reserve(user.toString(), 2, "reply-1", TTL);
        HoldFunctions.Settled settled = chat.settle(hold, 2);

        assertThat(hold.holding()).isTrue();
        assertThat(settled.settled()).isTrue();
        assertThat(settled.charged()).isEqualTo(2);
        assertThat(fixtures.usedCount(user, DAY)).isEqualTo(2);
        assertThat(fixtures.messageCount(user, DAY)).isEqualTo(2);
        assertThat(chat.metrics().consumedTotal()).isEqualTo(2);
    }

    @ParameterizedTest
    @FieldSource("STRATEGIES")
    void givenHoldsFillingTheDay_whenTheStrategyConsumes_thenRefusedUntilAHoldIsReleased(String strategy) {
        ChatService chat = chat(strategy);
        UserKey user = fixtures.subscribedUser(3);
        ReplyHold hold = chat.reserve(user.toString(), 3, "reply-1", TTL);

        assertThatThrownBy(() -> chat.acceptMessage(user.toString(), "plain-1"))
                .isInstanceOfSatisfying(QuotaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.QUOTA_EXCEEDED));
        chat.release(hold);

        assertThat(chat.acceptMessage(user.toString(), "plain-2").status().consumed()).isEqualTo(1);
    }

    @Test
    void givenHoldsFillingTheDay_whenAnotherIsReserved_thenQuotaExceededSaysWhatIsHeld() {
        ChatService chat = chat(Strategies.DEFAULT);
        UserKey user = fixtures.subscribedUser(3);
        chat.reserve(user.toString(), 2, "reply-1", TTL);

        assertThatThrownBy(() -> chat.reserve(user.toString(), 2, "reply-2", TTL))
                .isInstanceOfSatisfying(QuotaException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.QUOTA_EXCEEDED);
                    assertThat(e.details()).containsEntry("held", 2).containsEntry("remaining", 1).containsEntry("limit", 3);
                    assertThat(e.requestId()).isEqualTo("reply-2");
                });
        assertThat(chat.metrics().exceededTotal()).isEqualTo(1);
    }

    @Test
    void givenAFailedReply_whenReleased_thenNothingIsChargedOrStoredAndALaterSettleSaysReleased() {
        ChatService chat = chat(Strategies.DEFAULT);
        UserKey user = fixtures.subscribedUser(5);
        ReplyHold hold = chat.reserve(user.toString(), 1, "reply-1", TTL);

        HoldFunctions.Released released = chat.release(hold);
        HoldFunctions.Settled late = chat.settle(hold, 1);

        assertThat(released.released()).isTrue();
        assertThat(late.settled()).isFalse();
        assertThat(late.code()).isEqualTo("hold_released");
        assertThat(fixtures.usedCount(user, DAY)).isZero();
        assertThat(fixtures.messageCount(user, DAY)).isZero();
    }

    @Test
    void givenASettledHold_whenSettledAgain_thenTheFirstResultAndNoSecondMessage() {
        ChatService chat = chat(Strategies.DEFAULT);
        UserKey user = fixtures.subscribedUser(5);
        ReplyHold hold = chat.reserve(user.toString(), 1, "reply-1", TTL);
        chat.settle(hold, 1);

        HoldFunctions.Settled again = chat.settle(hold, 1);

        assertThat(again.replayed()).isTrue();
        assertThat(again.charged()).isEqualTo(1);
        assertThat(fixtures.messageCount(user, DAY)).isEqualTo(1);
        assertThat(chat.metrics().consumedTotal()).isEqualTo(1);
    }

    @Test
    void givenAHoldTakenJustBeforeMidnight_whenSettledAfterIt_thenTheChargeAndTheMessageAreOnTheHoldsDay() {
        clock.set(Instant.parse("2026-05-20T23:59:59.900Z"));
        ChatService chat = chat(Strategies.DEFAULT);
        UserKey user = fixtures.subscribedUser(5);
        ReplyHold hold = chat.reserve(user.toString(), 1, "reply-1", TTL);
        clock.set(Instant.parse("2026-05-21T00:00:03Z"));

        chat.settle(hold, 1);

        assertThat(fixtures.usedCount(user, DAY)).isEqualTo(1);
        assertThat(fixtures.messageCount(user, DAY)).isEqualTo(1);
        assertThat(fixtures.usedCount(user, DAY.plusDays(1))).isZero();
        assertThat(QuotaInvariants.check(db.jdbi()).holds()).isTrue();
    }
}
