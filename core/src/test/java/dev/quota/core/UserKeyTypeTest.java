package dev.quota.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UserKeyTypeTest {

    @ParameterizedTest
    @CsvSource({"smallint,WHOLE_NUMBER", "integer,WHOLE_NUMBER", "bigint,WHOLE_NUMBER", "uuid,UUID", "text,TEXT",
            "character varying(64),TEXT", "character varying,TEXT"})
    void givenAProductColumnType_whenJudged_thenItsKeyKind(String declared, UserKeyType kind) {
        assertThat(UserKeyType.ofDeclared(declared)).contains(kind);
    }

    @ParameterizedTest
    @ValueSource(strings = {"numeric", "timestamp with time zone", "bytea", "character(8)"})
    void givenATypeNoKeyHas_whenJudged_thenNone(String declared) {
        assertThat(UserKeyType.ofDeclared(declared)).isEmpty();
    }

    @Test
    void givenEachKind_whenParsed_thenTheKeyAsTheProductWritesIt() {
        assertThat(UserKeyType.WHOLE_NUMBER.parse(" 42 ")).isEqualTo(UserKey.of(42));
        assertThat(UserKeyType.UUID.parse("6F1C8A52-0D3E-4B7A-9C41-2F5E8D9B0A17"))
                .isEqualTo(new UserKey.Uuid(UUID.fromString("6f1c8a52-0d3e-4b7a-9c41-2f5e8d9b0a17")));
        assertThat(UserKeyType.TEXT.parse("auth0|65f2a1").toString()).isEqualTo("auth0|65f2a1");
    }

    @ParameterizedTest
    @CsvSource({"WHOLE_NUMBER,0", "WHOLE_NUMBER,-3", "WHOLE_NUMBER,alice", "WHOLE_NUMBER,99999999999999999999",
            "UUID,not-a-uuid", "UUID,42", "UUID,6f1c8a52-0d3e-4b7a-9c41-2f5e8d9b0a1", "TEXT,'a b'"})
    void givenTextThatCannotBeAKeyOfTheKind_whenParsed_thenInvalidInput(UserKeyType kind, String text) {
        assertThatThrownBy(() -> kind.parse(text))
                .isInstanceOfSatisfying(QuotaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT));
    }

    @Test
    void givenAKeyOfEachKind_whenWrittenForJson_thenANumberOnlyForWholeNumbers() {
        assertThat(UserKey.of(7).jsonValue()).isEqualTo(7L);
        assertThat(UserKeyType.UUID.parse("6f1c8a52-0d3e-4b7a-9c41-2f5e8d9b0a17").jsonValue()).isEqualTo("6f1c8a52-0d3e-4b7a-9c41-2f5e8d9b0a17");
        assertThat(new UserKey.Text("auth0|x").jsonValue()).isEqualTo("auth0|x");
    }
}
