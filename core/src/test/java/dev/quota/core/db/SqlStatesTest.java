package dev.quota.core.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.quota.core.ErrorCode;
import dev.quota.core.QuotaException;
import dev.quota.core.testing.FreshDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SqlStatesTest {

    @RegisterExtension
    final FreshDatabase db = new FreshDatabase();

    @Test
    void givenAStatementTheServerCannotPlan_whenTranslated_thenUnsupportedByDatabaseWithTheStatementAndTheServersMessage() {
        // feature_not_supported (0A000), the SQLSTATE of a Citus planner refusal, raised here by plain PostgreSQL
        Throwable refused = catchThrowable(() -> db.jdbi().useHandle(handle ->
                handle.createQuery("SELECT count(*) FROM quota.settings FOR UPDATE").mapTo(Long.class).one()));

        QuotaException error = SqlStates.translate(refused);

        assertThat(error.code()).isEqualTo(ErrorCode.UNSUPPORTED_BY_DATABASE);
        assertThat(error.getMessage()).contains("FOR UPDATE is not allowed with aggregate functions")
                .contains("SELECT count(*) FROM quota.settings FOR UPDATE").doesNotContain("\n");
        assertThat(error.details()).containsEntry("sql_state", "0A000")
                .containsEntry("statement", "SELECT count(*) FROM quota.settings FOR UPDATE");
    }
}
