package dev.quota.core.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quota.core.QuotaException;
import dev.quota.core.UserKeyType;
import dev.quota.core.testing.FreshDatabase;
import dev.quota.core.testing.SharedPostgres;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Handle;
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

    /** The stand-in keyed by bigint, and the toolkit's schema at V8: a database of the previous release. */
    private static void atVersion8(Database database) {
        Schemas schemas = database.config().schemas();
        Flyway.configure().dataSource(database.dataSource()).locations("classpath:" + StandIn.LOCATION).schemas(schemas.product())
                .defaultSchema(schemas.product()).table(StandIn.HISTORY).createSchemas(true)
                .placeholders(StandIn.placeholders(UserKeyType.WHOLE_NUMBER)).load().migrate();
        Flyway.configure().dataSource(database.dataSource()).locations("classpath:" + SchemaMigrator.LOCATION)
                .schemas(schemas.toolkit()).defaultSchema(schemas.toolkit()).createSchemas(true).target("8")
                .placeholders(Map.of("product_schema", schemas.product(), "toolkit_schema", schemas.toolkit())).load().migrate();
    }

    @Test
    void givenAFilledDatabaseAtV8_whenMigrated_thenItsRowsAreUnchangedAndItsRequestIdsStillReplay() {
        String name = SharedPostgres.get().createEmptyDatabase();
        try (Database database = Database.open(SharedPostgres.get().config(name).withPoolSize(2))) {
            Schemas schemas = database.config().schemas();
            atVersion8(database);
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
            jdbi.useTransaction(h -> ReadContract.createDefaultViews(h, schemas));
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

    @Test
    void givenASessionHoldingTheSettingsTable_whenMigrated_thenV9GivesUpAfterTheLockTimeoutAndNothingIsApplied() {
        String name = SharedPostgres.get().createEmptyDatabase();
        DatabaseConfig config = SharedPostgres.get().config(name).withPoolSize(2);
        try (Database database = Database.open(config);
             Database migrating = Database.open(config.withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(300), Duration.ofSeconds(30)))) {
            atVersion8(database);
            Handle reader = database.jdbi().open();
            // a transaction that read settings, still open: V9's ALTER TABLE must queue behind it
            reader.begin();
            reader.execute("LOCK TABLE quota.settings IN ACCESS SHARE MODE");

            assertThatThrownBy(() -> SchemaMigrator.install(migrating))
                    .isInstanceOfSatisfying(QuotaException.class, e -> assertThat(e.getMessage()).contains("55P03")); // lock_not_available

            reader.rollback();
            reader.close();
            int applied = database.jdbi().withHandle(h -> SchemaMigrator.appliedVersion(h, config.schemas()));
            assertThat(applied).isEqualTo(8);
            assertThat(one(database.jdbi(), "SELECT count(*) FROM pg_attribute WHERE attrelid = 'quota.settings'::regclass "
                    + "AND attname = 'user_key_type'", Long.class)).isZero();
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
