package dev.quota.core.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quota.core.UserKeyType;
import dev.quota.core.testing.FreshDatabase;
import dev.quota.core.testing.SharedPostgres;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * V9 keys the toolkit by the product's key type: an integer product upgrades with its data
 * untouched, a uuid product gets uuid columns and {@code quota.consume(uuid, …)}, and
 * {@code quota db check} names each user_id that disagrees.
 */
class UserKeyMigrationTest {

    @RegisterExtension
    final FreshDatabase uuidProduct = new FreshDatabase(() -> UserKeyType.UUID, config -> config);

    @Test
    void givenAFilledDatabaseAtV8_whenMigrated_thenItsRowsAreUnchangedAndItsRequestIdsStillReplay() {
        String name = SharedPostgres.get().createEmptyDatabase();
        try (Database database = Database.open(SharedPostgres.get().config(name).withPoolSize(2))) {
            Schemas schemas = database.config().schemas();
            StandIn.installAt(database, 8);
            Jdbi jdbi = database.jdbi();
            jdbi.useHandle(handle -> handle.execute("""
                    INSERT INTO users (email) VALUES ('ada@example.com');
                    INSERT INTO billing_plans (code, display_name, daily_message_limit) VALUES ('free', 'Free', 5);
                    INSERT INTO user_subscriptions (user_id, plan_id, status, started_at) VALUES (1, 1, 'active', '2020-01-01Z');
                    INSERT INTO quota.quota_adjustments (user_id, quota_date, kind, requested, applied_delta, reason, actor, request_id)
                    VALUES (1, '2026-06-30', 'refund', 2, 0, 'outage', 'support:ana', 'r-1');
                    INSERT INTO quota.quota_reconciliation_runs (job_instance_id, mode, date_from, date_to) VALUES (1, 'report', '2026-06-30', '2026-06-30');
                    INSERT INTO quota.quota_reconciliation_drifts (run_id, user_id, quota_date, used_count, expected, messages, drift, kinds)
                    VALUES (1, 1, '2026-06-30', 3, 2, 2, 1, '{over_counted}');
                    """));
            assertThat(one(jdbi, "SELECT accepted FROM quota.consume(1, 1, 'before-v9')", Boolean.class)).isTrue();
            List<Map<String, Object>> before = rowsOf(jdbi);

            SchemaMigrator.install(database);

            assertThat(before).isEqualTo(rowsOf(jdbi));
            assertThat(one(jdbi, "SELECT replayed FROM quota.consume(1, 1, 'before-v9')", Boolean.class)).isTrue();
            assertThat(one(jdbi, "SELECT user_key_type FROM quota.settings", String.class)).isEqualTo("bigint");
            assertThat(ContractCheck.of(jdbi, schemas).usable()).isTrue();
        } finally {
            SharedPostgres.get().dropDatabase(name);
        }
    }

    private static <T> T one(Jdbi jdbi, String sql, Class<T> type) {
        return jdbi.withHandle(h -> h.createQuery(sql).mapTo(type).one());
    }

    private static List<Map<String, Object>> rowsOf(Jdbi jdbi) {
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT 'adjustment' AS t, user_id::text AS u, quota_date, request_id AS r FROM quota.quota_adjustments WHERE request_id = 'r-1'
                UNION ALL SELECT 'drift', user_id::text, quota_date, array_to_string(kinds, ',') FROM quota.quota_reconciliation_drifts
                ORDER BY 1""").mapToMap().list());
    }

    @Test
    void givenAProductKeyedByUuid_whenMigrated_thenTheToolkitsTablesAndFunctionsTakeUuid() {
        Map<String, Object> types = uuidProduct.jdbi().withHandle(h -> h.createQuery("""
                SELECT (SELECT user_key_type FROM quota.settings) AS setting,
                       (SELECT format_type(atttypid, NULL) FROM pg_attribute WHERE attrelid = 'quota.quota_adjustments'::regclass AND attname = 'user_id') AS adjustments,
                       (SELECT format_type(atttypid, NULL) FROM pg_attribute WHERE attrelid = 'quota.consumed_requests'::regclass AND attname = 'user_id') AS requests,
                       to_regprocedure('quota.consume(uuid, integer, text, timestamptz)') IS NOT NULL AS consume_uuid,
                       to_regprocedure('quota.consume(bigint, integer, text, timestamptz)') IS NULL AS no_consume_bigint,
                       to_regprocedure('quota.status(uuid, date)') IS NOT NULL AS status_uuid""").mapToMap().one());
        assertThat(types).containsEntry("setting", "uuid").containsEntry("adjustments", "uuid").containsEntry("requests", "uuid")
                .containsEntry("consume_uuid", true).containsEntry("no_consume_bigint", true).containsEntry("status_uuid", true);
    }

    @Test
    void givenAViewWhoseUserIdIsNotTheCountersKeyType_whenChecked_thenOneLineNamesIt() {
        uuidProduct.jdbi().useHandle(h -> h.execute("""
                CREATE OR REPLACE VIEW quota.accounts_text (user_id, email, created_at) AS SELECT CAST(id AS text), email, created_at FROM public.users;
                DROP VIEW quota.accounts;
                ALTER VIEW quota.accounts_text RENAME TO accounts"""));

        List<String> problems = uuidProduct.jdbi().withHandle(h -> ReadContract.problems(h, uuidProduct.config().schemas()));

        assertThat(problems).containsExactly("view quota.accounts column user_id is text but the counter table's is uuid: "
                + "every user_id of the contract must be one key type");
    }
}
