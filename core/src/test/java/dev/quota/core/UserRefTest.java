package dev.quota.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UserRefTest {

    @Test
    void givenDigits_whenParsed_thenAKeyAsWritten() {
        assertThat(UserRef.parse(" 42 ")).isEqualTo(new UserRef.ByKey("42"));
    }

    @Test
    void givenAnEmail_whenParsed_thenALowerCasedEmail() {
        assertThat(UserRef.parse("Alice@Example.COM")).isEqualTo(new UserRef.ByEmail("alice@example.com"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"auth0|65f2a1", "6f1c8a52-0d3e-4b7a-9c41-2f5e8d9b0a17", "@example.com", "alice@", "a@b@c"})
    void givenAnythingButAnEmail_whenParsed_thenAKeyForTheProductsTypeToJudge(String text) {
        assertThat(UserRef.parse(text)).isEqualTo(new UserRef.ByKey(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  "})
    void givenNothing_whenParsed_thenInvalidInput(String text) {
        assertThatThrownBy(() -> UserRef.parse(text))
                .isInstanceOfSatisfying(QuotaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT));
    }
}
