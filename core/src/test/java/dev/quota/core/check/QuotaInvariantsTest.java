package dev.quota.core.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quota.core.UserKey;
import dev.quota.core.testing.FreshDatabase;
import dev.quota.core.testing.QuotaFixtures;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The invariants' two forms, one query and merged, promise the same violations in the same order. */
class QuotaInvariantsTest {

    enum Form {
        ONE_QUERY(QuotaInvariants::inOneQuery), MERGED(QuotaInvariants::merged);

        final Function<Handle, List<InvariantViolation>> check;

        Form(Function<Handle, List<InvariantViolation>> check) {
            this.check = check;
        }
    }

    private static final LocalDate DAY = LocalDate.of(2026, 5, 19);
    private static final Instant SINCE = Instant.parse("2026-05-01T00:00:00Z");

    @RegisterExtension
    final FreshDatabase db = new FreshDatabase();

    private QuotaFixtures fixtures;

    @BeforeEach
    void fixtures() {
        fixtures = db.fixtures();
    }

    private List<InvariantViolation> check(Form form) {
        return db.jdbi().withHandle(form.check::apply);
    }

    private void messages(UserKey user, LocalDate day, int count) {
        db.jdbi().useHandle(handle -> {
            for (int i = 0; i < count; i++) {
                handle.createUpdate("INSERT INTO chat_messages (user_id, role, created_at, request_id) "
                                + "VALUES (:user, 'user', CAST(:day AS date) + interval '10 hours', :id)")
                        .bind("user", user).bind("day", day).bind("id", user + "-" + day + "-" + i).execute();
            }
        });
    }

    private void counter(UserKey user, LocalDate day, int used) {
        db.jdbi().useHandle(handle -> handle.createUpdate(
                        "INSERT INTO user_daily_quota_usages (user_id, quota_date, used_count) VALUES (:user, :day, :used)")
                .bind("user", user).bind("day", day).bind("used", used).execute());
    }

    private void adjustment(UserKey user, LocalDate day, String kind, int delta) {
        db.jdbi().useHandle(handle -> handle.createUpdate("""
                        INSERT INTO quota_adjustments (user_id, quota_date, kind, requested, applied_delta, reason, actor)
                        VALUES (:user, :day, :kind, abs(:delta), :delta, 'test', 'support:test')""")
                .bind("user", user).bind("day", day).bind("kind", kind).bind("delta", delta).execute());
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    void givenCountersEqualToTheirMessagesAndAdjustments_whenChecked_thenNothingIsReported(Form form) {
        UserKey user = fixtures.subscribedUser("clean@example.com", 5, SINCE);
        messages(user, DAY, 3);
        adjustment(user, DAY, "charge", 1);
        counter(user, DAY, 4);

        assertThat(check(form)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    void givenEveryKindOfBrokenDay_whenChecked_thenEachIsReportedWorstFirst(Form form) {
        UserKey over = fixtures.subscribedUser("over@example.com", 10, SINCE);
        messages(over, DAY, 2);
        counter(over, DAY, 5);
        UserKey missing = fixtures.subscribedUser("missing@example.com", 10, SINCE);
        messages(missing, DAY, 4);
        UserKey refunded = fixtures.subscribedUser("refunded@example.com", 10, SINCE);
        messages(refunded, DAY.minusDays(1), 3);
        adjustment(refunded, DAY.minusDays(1), "refund", -2);
        UserKey aboveLimit = fixtures.subscribedUser("above@example.com", 2, SINCE);
        messages(aboveLimit, DAY, 3);
        counter(aboveLimit, DAY, 3);
        UserKey unsubscribed = fixtures.unsubscribedUser("nobody@example.com");
        counter(unsubscribed, DAY, 1);

        List<InvariantViolation> violations = check(form);

        assertThat(violations).containsExactly(
                new InvariantViolation(missing, DAY, 0, 4, 4, 10),
                new InvariantViolation(over, DAY, 5, 2, 2, 10),
                new InvariantViolation(refunded, DAY.minusDays(1), 0, 3, 1, 10),
                new InvariantViolation(unsubscribed, DAY, 1, 0, 0, null),
                new InvariantViolation(aboveLimit, DAY, 3, 3, 3, 2));
    }
}
