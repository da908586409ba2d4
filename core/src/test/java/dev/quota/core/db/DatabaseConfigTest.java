package dev.quota.core.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quota.core.ErrorCode;
import dev.quota.core.QuotaException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DatabaseConfigTest {

    @Test
    void givenALibpqUri_whenParsed_thenAJdbcUrlWithUserAndPasswordApart() {
        DatabaseConfig config = DatabaseConfig.parse("postgresql://chat:s%40cret@db.internal:6432/chat?sslmode=require");
        assertThat(config.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:6432/chat?sslmode=require");
        assertThat(config.user()).isEqualTo("chat");
        assertThat(config.password()).isEqualTo("s@cret");
    }

    @Test
    void givenAPasswordInTheUrl_whenShown_thenItIsRedacted() {
        assertThat(DatabaseConfig.parse("postgresql://chat:hunter2@db/chat").toString()).doesNotContain("hunter2");
        assertThat(DatabaseConfig.parse("jdbc:postgresql://db/chat?user=chat&password=hunter2").redactedUrl())
                .doesNotContain("hunter2").contains("password=***");
    }

    @Test
    void givenNoUrlButPgVariables_whenResolved_thenTheyNameTheDatabase() {
        DatabaseConfig config = DatabaseConfig.resolve(null,
                Map.of("PGHOST", "pg.local", "PGPORT", "5433", "PGUSER", "ops", "PGDATABASE", "chat", "PGPASSWORD", "pw")).orElseThrow();
        assertThat(config.jdbcUrl()).isEqualTo("jdbc:postgresql://pg.local:5433/chat");
        assertThat(config.user()).isEqualTo("ops");
        assertThat(config.password()).isEqualTo("pw");
    }

    @Test
    void givenTheUrlVariableAndPgPassword_whenResolved_thenThePasswordComesFromTheEnvironment() {
        DatabaseConfig config = DatabaseConfig.resolve(null,
                Map.of("QUOTA_DB_URL", "postgresql://ops@pg.local/chat", "PGPASSWORD", "pw")).orElseThrow();
        assertThat(config.password()).isEqualTo("pw");
    }

    @Test
    void givenNothing_whenResolved_thenTheEmbeddedDefault() {
        assertThat(DatabaseConfig.resolve(null, Map.of())).isEmpty();
    }

    @Test
    void givenAnExplicitUrl_whenResolved_thenItWinsOverTheEnvironment() {
        DatabaseConfig config = DatabaseConfig.resolve("jdbc:postgresql://a/b", Map.of("QUOTA_DB_URL", "jdbc:postgresql://c/d")).orElseThrow();
        assertThat(config.jdbcUrl()).isEqualTo("jdbc:postgresql://a/b");
    }

    @Test
    void givenAnUnsupportedUrl_whenParsed_thenInvalidInputWithoutThePassword() {
        assertThatThrownBy(() -> DatabaseConfig.parse("mysql://root:hunter2@db/chat"))
                .isInstanceOfSatisfying(QuotaException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                    assertThat(e.getMessage()).doesNotContain("hunter2");
                });
    }
}
