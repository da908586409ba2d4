package dev.quota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quota.core.UserKey;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** The support commands, both output formats, and their exit codes. */
class QuotaCommandsTest extends CliTestBase {

    private static final LocalDate TODAY = LocalDate.of(2026, 7, 1);

    @Test
    void givenASubscribedUser_whenShown_thenAReadableTable() {
        fixtures.subscribedUser("ada@example.com", 20);

        CliRun run = quota("show", "ada@example.com").exits(0);

        assertThat(run.out()).contains("ada@example.com", "limit-20", "Remaining  20", "2026-07-02T00:00:00Z");
    }

    @Test
    void givenJsonOutput_whenShown_thenOneDataEnvelopeWithSnakeCaseKeys() {
        UserKey user = fixtures.subscribedUser("ada@example.com", 20);

        JsonNode json = quota("show", String.valueOf(user), "-o", "json").exits(0).json();

        assertThat(json.at("/data/user_id").isNumber()).isTrue();
        assertThat(json.at("/data/user_id").asText()).isEqualTo(user.toString());
        assertThat(json.at("/data/remaining").asInt()).isEqualTo(20);
        assertThat(json.at("/data/reset_at").asText()).isEqualTo("2026-07-02T00:00:00Z");
        assertThat(json.at("/meta/request_id").asText()).isNotBlank();
    }

    @Test
    void givenAStrategyOnACommandThatRunsNoChatPath_whenParsed_thenAUsageError() {
        CliRun run = quota("db", "migrate", "--strategy", "coalescing").exits(ExitCodes.USAGE);

        assertThat(run.err()).startsWith("quota: Unknown option").contains("'--strategy'");
    }

    @Test
    void givenARequestIdTooLong_whenShownAsJson_thenACleanInvalidInputErrorWithAFreshRequestId() {
        JsonNode json = quota("show", "1", "-o", "json", "--request-id", "x".repeat(5000)).exits(ExitCodes.INVALID).json();

        assertThat(json.at("/error/code").asText()).isEqualTo("invalid_input");
        assertThat(json.at("/error/request_id").asText()).hasSizeLessThan(129);
    }

    @Test
    void givenAnUnknownUser_whenShown_thenExit5AndAnErrorEnvelope() {
        JsonNode json = quota("show", "ghost@example.com", "-o", "json", "--request-id", "req-1").exits(5).json();

        assertThat(json.at("/error/code").asText()).isEqualTo("user_not_found");
        assertThat(json.at("/error/request_id").asText()).isEqualTo("req-1");
    }

    @Test
    void givenAnUnknownUser_whenShownAsTable_thenOneLineOnStderrAndNoStackTrace() {
        CliRun run = quota("show", "ghost@example.com").exits(5);

        assertThat(run.err().strip().lines()).hasSize(1);
        assertThat(run.err()).contains("user_not_found").doesNotContain("at dev.quota");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void givenAUserWithoutPlan_whenShown_thenExit4() {
        fixtures.unsubscribedUser("free@example.com");
        quota("show", "free@example.com").exits(4);
    }

    @Test
    void givenAMalformedDate_whenShown_thenExit6() {
        fixtures.subscribedUser("ada@example.com", 20);
        assertThat(quota("show", "ada@example.com", "--date", "2026-02-30").exits(6).err()).contains("YYYY-MM-DD");
    }

    @Test
    void givenAFullDay_whenConsuming_thenExit3WithLimitConsumedRemainingAndResetAt() {
        UserKey user = fixtures.subscribedUser(2);
        quota("consume", String.valueOf(user), "--count", "2").exits(0);

        JsonNode error = quota("consume", String.valueOf(user), "-o", "json").exits(3).json().get("error");

        assertThat(error.get("code").asText()).isEqualTo("quota_exceeded");
        assertThat(error.at("/details/limit").asInt()).isEqualTo(2);
        assertThat(error.at("/details/consumed").asInt()).isEqualTo(2);
        assertThat(error.at("/details/remaining").asInt()).isZero();
        assertThat(error.at("/details/reset_at").asText()).isEqualTo("2026-07-02T00:00:00Z");
        assertThat(fixtures.messageCount(user, TODAY)).isEqualTo(2);
    }

    @Test
    void givenARetriedRequestId_whenConsumedAgain_thenReplayedAndNotChargedTwice() {
        UserKey user = fixtures.subscribedUser(5);
        quota("consume", String.valueOf(user), "--request-id", "r-1").exits(0);

        JsonNode json = quota("consume", String.valueOf(user), "--request-id", "r-1", "-o", "json").exits(0).json();

        assertThat(json.at("/data/replayed").asBoolean()).isTrue();
        assertThat(fixtures.usedCount(user, TODAY)).isEqualTo(1);
    }

    @Test
    void givenANegativeCount_whenConsuming_thenExit6() {
        UserKey user = fixtures.subscribedUser(5);
        quota("consume", String.valueOf(user), "--count", "-3").exits(6);
    }

    @Test
    void givenAGrantWithReason_whenApplied_thenAuditedWithActorAndRequestId() {
        UserKey user = fixtures.subscribedUser(10);

        JsonNode json = quota("grant", String.valueOf(user), "5", "--reason", "outage credit", "--actor", "support:ana",
                "--request-id", "g-1", "-o", "json").exits(0).json();

        assertThat(json.at("/data/applied_delta").asInt()).isEqualTo(5);
        assertThat(json.at("/data/after/limit").asInt()).isEqualTo(15);
        assertThat(json.at("/data/actor").asText()).isEqualTo("support:ana");
        assertThat(json.at("/meta/request_id").asText()).isEqualTo("g-1");
    }

    @Test
    void givenNoActor_whenAdjusting_thenTheOsUserIsRecorded() {
        UserKey user = fixtures.subscribedUser(10);
        JsonNode json = quota("refund", String.valueOf(user), "1", "--reason", "x", "-o", "json").exits(0).json();
        assertThat(json.at("/data/actor").asText()).isEqualTo("tester");
    }

    @Test
    void givenNoReason_whenGranting_thenUsageErrorExit2() {
        UserKey user = fixtures.subscribedUser(10);
        assertThat(quota("grant", String.valueOf(user), "5").exits(2).err()).contains("--reason");
    }

    @Test
    void givenStdinIsNotATerminal_whenResettingWithoutYes_thenExit2AndNothingChanged() {
        UserKey user = fixtures.subscribedUser(10);
        quota("consume", String.valueOf(user), "--count", "4").exits(0);

        assertThat(quota("reset", String.valueOf(user), "--reason", "oops").exits(2).err()).contains("--yes");
        assertThat(fixtures.usedCount(user, TODAY)).isEqualTo(4);
    }

    @Test
    void givenATerminal_whenResetIsConfirmed_thenTheDayIsGivenBack() {
        UserKey user = fixtures.subscribedUser(10);
        quota("consume", String.valueOf(user), "--count", "4").exits(0);

        quotaWithInput("y\n", "reset", String.valueOf(user), "--reason", "bug").exits(0);

        assertThat(fixtures.usedCount(user, TODAY)).isZero();
    }

    @Test
    void givenATerminal_whenResetIsDeclined_thenNothingChanges() {
        UserKey user = fixtures.subscribedUser(10);
        quota("consume", String.valueOf(user), "--count", "4").exits(0);

        quotaWithInput("n\n", "set", String.valueOf(user), "1", "--reason", "bug").exits(2);

        assertThat(fixtures.usedCount(user, TODAY)).isEqualTo(4);
    }

    @Test
    void givenADryRun_whenSetting_thenBeforeAndAfterShownAndNothingWritten() {
        UserKey user = fixtures.subscribedUser(10);
        quota("consume", String.valueOf(user), "--count", "4").exits(0);

        CliRun run = quota("set", String.valueOf(user), "7", "--reason", "preview", "--dry-run").exits(0);

        assertThat(run.out()).contains("dry run", "before", "after");
        assertThat(fixtures.usedCount(user, TODAY)).isEqualTo(4);
    }

    @Test
    void givenASetAboveTheLimit_whenApplied_thenExit6() {
        UserKey user = fixtures.subscribedUser(10);
        assertThat(quota("set", String.valueOf(user), "11", "--reason", "x", "--yes", "-o", "json").exits(6).json()
                .at("/error/code").asText()).isEqualTo("invalid_quota_state");
    }

    @Test
    void givenAPastDay_whenRefunding_thenThatDayIsAdjusted() {
        UserKey user = fixtures.subscribedUser(10);
        quota("set", String.valueOf(user), "6", "--reason", "backfill", "--date", "2026-06-30", "--yes").exits(0);
        quota("refund", String.valueOf(user), "2", "--reason", "bug", "--date", "2026-06-30").exits(0);
        assertThat(fixtures.usedCount(user, LocalDate.of(2026, 6, 30))).isEqualTo(4);
    }

    @Test
    void givenSomeDays_whenHistoryIsAsked_thenUsageAndTheAdjustmentTrail() {
        UserKey user = fixtures.subscribedUser(10);
        quota("consume", String.valueOf(user), "--count", "3").exits(0);
        quota("grant", String.valueOf(user), "2", "--reason", "vip").exits(0);

        JsonNode json = quota("history", String.valueOf(user), "--days", "3", "-o", "json").exits(0).json();

        assertThat(json.at("/data/days")).hasSize(3);
        assertThat(json.at("/data/days/0/consumed").asInt()).isEqualTo(3);
        assertThat(json.at("/data/days/0/messages").asInt()).isEqualTo(3);
        assertThat(json.at("/data/adjustments/0/kind").asText()).isEqualTo("grant");
    }

    @Test
    void givenBlockedUsers_whenTopExhausted_thenOnlyThemHeaviestFirst() {
        UserKey light = fixtures.subscribedUser(10);
        UserKey blocked = fixtures.subscribedUser(3);
        quota("consume", String.valueOf(light), "--count", "2").exits(0);
        quota("consume", String.valueOf(blocked), "--count", "3").exits(0);

        JsonNode users = quota("top", "--exhausted", "-o", "json").exits(0).json().at("/data/users");

        assertThat(users).hasSize(1);
        assertThat(users.get(0).get("user_id").asText()).isEqualTo(blocked.toString());
        assertThat(quota("top").exits(0).out()).contains("blocked");
    }

    @Test
    void givenAnUnknownOption_whenRun_thenUsageExit2WithAHint() {
        assertThat(quota("show", "1", "--colour").exits(2).err()).contains("Unknown option", "quota show --help");
    }

    @Test
    void givenHelp_whenAsked_thenTheExitCodesAreDocumented() {
        assertThat(quota("--help").exits(0).out()).contains("Exit codes:")
                .containsPattern("3 +quota_exceeded").containsPattern("7 +database_unavailable");
    }

    @Test
    void givenTheCompletionCommand_whenRun_thenABashScript() {
        assertThat(quota("completion").exits(0).out()).contains("complete", "quota");
    }
}
