package dev.quota.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UserRefTest {

    @Test
    void givenDigits_whenParsed_thenAnId() {
        assertThat(UserRef.parse(" 42 ")).isEqualTo(new UserRef.ById(42));
    }

    @Test
    void givenAnEmail_whenParsed_thenALowerCasedEmail() {
        assertThat(UserRef.parse("Alice@Example.COM")).isEqualTo(new UserRef.ByEmail("alice@example.com"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "0", "-3", "alice", "@example.com", "alice@", "a@b@c", "a b@example.com",
            "99999999999999999999"})
    void givenSomethingElse_whenParsed_thenInvalidInput(String text) {
        assertThatThrownBy(() -> UserRef.parse(text))
                .isInstanceOfSatisfying(QuotaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT));
    }
}
