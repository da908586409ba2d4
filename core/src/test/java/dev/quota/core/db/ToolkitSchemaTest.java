package dev.quota.core.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quota.core.ErrorCode;
import dev.quota.core.QuotaException;
import dev.quota.core.testing.ChatBackendDatabase;
import dev.quota.core.testing.SharedPostgres;
import java.util.Arrays;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The toolkit's own schema: what installs it, what it refuses, and how a previous layout is carried forward. */
class ToolkitSchemaTest {

    @RegisterExtension
    final ChatBackendDatabase product = new ChatBackendDatabase();

    @Test
    void givenTheMigrationsOnTheClasspath_whenCounted_thenTheLatestVersionConstantMatches() {
        var migrations = Flyway.configure().dataSource(product.database().dataSource()).schemas("quota")
                .locations("classpath:" + SchemaMigrator.LOCATION).load().info().all();

        assertThat(Arrays.stream(migrations).mapToInt(m -> Integer.parseInt(m.getVersion().getVersion())).max().orElseThrow())
                .isEqualTo(SchemaVersion.LATEST);
    }

    @Test
    void givenAProductsTables_whenTheStandInIsInstalled_thenRefusedAndNothingCreated() {
        List<String> before = product.definitions("public");

        assertThatThrownBy(() -> StandIn.install(product.database()))
                .isInstanceOf(QuotaException.class)
                .satisfies(e -> assertThat(((QuotaException) e).code()).isEqualTo(ErrorCode.NOT_ALLOWED_HERE));
        assertThat(product.definitions("public")).isEqualTo(before);
        assertThat(product.queryLong("SELECT count(*) FROM pg_namespace WHERE nspname = 'quota'")).isZero();
    }

    @Test
    void givenADatabaseOfThePreviousLayout_whenInstalled_thenItsAuditTrailAndRunsMoveToTheToolkitSchema() {
        String name = SharedPostgres.get().createEmptyDatabase();
        try (Database database = Database.open(SharedPostgres.get().config(name).withPoolSize(2))) {
            Flyway.configure().dataSource(database.dataSource()).locations("classpath:layouts/previous").load().migrate();
            database.jdbi().useHandle(handle -> handle.execute("""
                    INSERT INTO users (email) VALUES ('ada@example.com');
                    INSERT INTO quota_adjustments (user_id, quota_date, kind, requested, applied_delta, reason, actor, request_id)
                    VALUES (1, '2026-06-30', 'refund', 2, -2, 'outage', 'support:ana', 'r-1'),
                           (1, '2026-07-01', 'grant', 5, 5, 'vip', 'support:ana', 'r-2');
                    INSERT INTO quota_reconciliation_runs (job_instance_id, mode, date_from, date_to, status)
                    VALUES (1, 'report', '2026-06-30', '2026-06-30', 'completed');
                    """));

            StandIn.install(database);

            long moved = database.jdbi().withHandle(handle -> handle.createQuery(
                    "SELECT count(*) FROM quota.quota_adjustments WHERE request_id IN ('r-1', 'r-2')").mapTo(Long.class).one());
            assertThat(moved).isEqualTo(2);
            long next = database.jdbi().withHandle(handle -> handle.createQuery("""
                    INSERT INTO quota_adjustments (user_id, quota_date, kind, requested, applied_delta, reason, actor)
                    VALUES (1, '2026-07-01', 'charge', 1, 1, 'x', 'y') RETURNING id""").mapTo(Long.class).one());
            assertThat(next).isEqualTo(3);
            boolean movedOut = database.jdbi().withHandle(handle -> handle.createQuery(
                    "SELECT to_regclass('public.quota_adjustments') IS NULL AND to_regclass('public.flyway_schema_history') IS NULL"
                            + " AND (SELECT count(*) FROM quota.quota_reconciliation_runs) = 1 AND to_regclass('public.users') IS NOT NULL")
                    .mapTo(Boolean.class).one());
            assertThat(movedOut).isTrue();
            assertThat(ContractCheck.of(database.jdbi(), database.config().schemas()).usable()).isTrue();
        } finally {
            SharedPostgres.get().dropDatabase(name);
        }
    }

    @Test
    void givenAFilterThePlannerPrinted_whenSplit_thenItsTopLevelTermsInOrder() {
        assertThat(DayScanIndex.conjuncts("((m.created_at >= '2026-01-01'::timestamp with time zone) AND ((m.role)::text = 'user'::text))"))
                .containsExactly("(m.created_at >= '2026-01-01'::timestamp with time zone)", "((m.role)::text = 'user'::text)");
    }
}
