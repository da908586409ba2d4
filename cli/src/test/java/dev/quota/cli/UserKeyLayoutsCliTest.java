package dev.quota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quota.core.UserKey;
import dev.quota.core.UserKeyType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Support's commands on products keyed by uuid (the FastAPI full-stack template's choice)
 * and by text ids (an identity provider's subjects): the key as the product writes it, in
 * and out, and a clean refusal of anything that cannot be one.
 */
@ParameterizedClass(name = "{0} keys")
@EnumSource(value = UserKeyType.class, names = {"UUID", "TEXT"})
class UserKeyLayoutsCliTest extends CliTestBase {

    @Parameter
    UserKeyType keys;

    @Override
    UserKeyType userKeys() {
        return keys;
    }

    @Test
    void givenAUserByTheirKey_whenShownAsJson_thenTheKeyComesBackAsTheStringTheProductWrites() {
        UserKey user = fixtures.subscribedUser("ada@example.com", 20);

        JsonNode json = quota("show", user.toString(), "-o", "json").exits(0).json();

        assertThat(json.at("/data/user_id").isTextual()).isTrue();
        assertThat(json.at("/data/user_id").asText()).isEqualTo(user.toString());
        assertThat(json.at("/data/remaining").asInt()).isEqualTo(20);
    }

    @Test
    void givenAUserByEmail_whenConsumedGrantedAndShown_thenEachCommandAnswersForTheirKey() {
        UserKey user = fixtures.subscribedUser("ada@example.com", 3);

        quota("consume", "ada@example.com", "--count", "3").exits(0);
        quota("grant", user.toString(), "2", "--reason", "goodwill", "--yes").exits(0);
        CliRun history = quota("history", user.toString()).exits(0);
        CliRun top = quota("top", "-o", "json").exits(0);

        assertThat(quota("show", "ada@example.com").exits(0).out()).contains(user.toString(), "Remaining  2");
        assertThat(history.out()).contains("grant");
        assertThat(top.json().findValues("user_id")).extracting(JsonNode::asText).contains(user.toString());
    }

    @Test
    void givenTextThatCannotBeAKeyOfTheProductsType_whenShown_thenOneLineAndExit2() {
        String notAKey = keys == UserKeyType.UUID ? "not-a-uuid" : "two words";

        CliRun run = quota("show", notAKey).exits(ExitCodes.INVALID);

        assertThat(run.err().strip().lines()).hasSize(1);
        assertThat(run.err()).contains("this product keys users by " + keys.sqlType());
    }
}
