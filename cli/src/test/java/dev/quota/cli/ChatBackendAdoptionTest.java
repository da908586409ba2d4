package dev.quota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quota.core.UserKey;
import dev.quota.core.db.Database;
import dev.quota.core.db.DatabaseConfig;
import dev.quota.core.testing.ChatBackendDatabase;
import dev.quota.core.testing.MutableClock;
import dev.quota.reconciler.ReconcileMode;
import dev.quota.reconciler.ReconcileRequest;
import dev.quota.reconciler.Reconciler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The toolkit on a chat product's database it did not create (layouts/chat-backend.sql:
 * integer ids, varchar, messages reached through conversations, no request_id), adopted as
 * the README's "Point it at your chat database" says: migrate, write the views, check.
 * Alice (free, 5 a day) and Bob (pro, 50) sent messages yesterday and Alice today; Bob's
 * counter for yesterday says 6 where his conversation holds 4 user messages.
 */
class ChatBackendAdoptionTest {

    @RegisterExtension
    final ChatBackendDatabase product = new ChatBackendDatabase();

    final MutableClock clock = MutableClock.at("2026-07-01T10:00:00Z");

    @BeforeEach
    void productData() {
        product.execute("""
                INSERT INTO billing_plans (code, name, daily_message_limit, price_cents, is_active)
                VALUES ('free', 'Free', 5, 0, true), ('pro', 'Pro', 50, 1900, true);
                INSERT INTO users (email, hashed_password, role, is_active, created_at) VALUES
                    ('alice@example.com', 'x', 'user', true, '2026-05-01T00:00Z'),
                    ('bob@example.com', 'x', 'user', true, '2026-05-01T00:00Z'),
                    ('carol@example.com', 'x', 'user', true, '2026-05-01T00:00Z');
                INSERT INTO user_subscriptions (user_id, plan_id, status, started_at, ended_at) VALUES
                    (1, 1, 'active', '2026-06-01T00:00Z', NULL),
                    (2, 2, 'active', '2026-06-01T00:00Z', NULL),
                    (3, 1, 'canceled', '2026-06-01T00:00Z', '2026-06-15T00:00Z');
                INSERT INTO conversations (user_id, title) VALUES (1, 'hello'), (2, 'work');
                INSERT INTO messages (conversation_id, role, content, created_at)
                SELECT 1, r, 'hi', '2026-06-30T09:00Z'::timestamptz + g * interval '1 minute'
                  FROM generate_series(1, 3) g, unnest(ARRAY['user', 'assistant']) r;
                INSERT INTO messages (conversation_id, role, content, created_at)
                SELECT 2, 'user', 'hi', '2026-06-30T12:00Z'::timestamptz + g * interval '1 minute' FROM generate_series(1, 4) g;
                INSERT INTO messages (conversation_id, role, content, created_at)
                SELECT 1, 'user', 'hi', '2026-07-01T08:00Z'::timestamptz + g * interval '1 minute' FROM generate_series(1, 2) g;
                INSERT INTO user_daily_quota_usages (user_id, quota_date, used_count) VALUES
                    (1, '2026-06-30', 3), (2, '2026-06-30', 6), (1, '2026-07-01', 2);
                """);
    }

    private CliRun quota(String... args) {
        return CliRun.run(product.url(), clock, "", false, args);
    }

    private CliRun quotaAs(String role, String... args) {
        return CliRun.run(product.urlAs(role), clock, "", false, args);
    }

    private void adopt() {
        quota("db", "migrate").exits(0);
        product.writeViews();
    }

    @Test
    void givenHandWrittenViews_whenChecked_thenTheContractHoldsBeforeAndAfterMigrating() {
        product.writeViews();

        assertThat(quota("db", "check").exits(0).out()).contains("Read contract holds", "not installed");
        quota("db", "migrate").exits(0);
        assertThat(quota("db", "check").exits(0).out()).contains("Read contract holds", "stand_in false")
                .doesNotContain("warning");
    }

    @Test
    void givenTheProductsTables_whenMigrated_thenOnlyTheToolkitSchemaAppearsAndNoProductTableChanges() {
        List<String> before = product.definitions("public");

        quota("db", "migrate").exits(0);
        quota("db", "migrate").exits(0);

        assertThat(product.definitions("public")).isEqualTo(before);
        assertThat(product.definitions("quota")).anyMatch(line -> line.startsWith("quota_adjustments r"));
    }

    @Test
    void givenADryRun_whenMigrating_thenTheSqlIsPrintedAndNothingIsCreated() {
        CliRun run = quota("db", "migrate", "--dry-run").exits(0);

        assertThat(run.out()).contains("CREATE SCHEMA IF NOT EXISTS quota;", "CREATE TABLE quota_adjustments",
                "CREATE VIEW quota.accounts", "-- view quota.user_messages is missing");
        assertThat(product.queryLong("SELECT count(*) FROM pg_namespace WHERE nspname = 'quota'")).isZero();
    }

    @Test
    void givenNoViewsYet_whenMigrated_thenTheDefaultsThatFitAreCreatedAndTheMissingOneIsNamed() {
        CliRun migrated = quota("db", "migrate").exits(0);

        assertThat(migrated.out()).contains("Created view quota.accounts", "Created view quota.plan_periods",
                "view quota.user_messages is missing: create it with columns (user_id bigint, created_at timestamptz, request_id text)");
        CliRun show = quota("show", "1").exits(ExitCodes.SCHEMA_MISMATCH);
        assertThat(show.err().strip().lines()).hasSize(1);
        assertThat(show.err()).contains("view quota.user_messages is missing");

        product.writeViews();
        assertThat(quota("db", "check").exits(0).out()).contains("Read contract holds");
        quota("show", "1").exits(0);
    }

    @Test
    void givenAnAdoptedDatabase_whenShown_thenThePlanTheProductsCounterAndTheNextMidnight() {
        adopt();

        JsonNode json = quota("show", "ALICE@example.com", "-o", "json").exits(0).json();

        assertThat(json.at("/data/user_id").asLong()).isEqualTo(1);
        assertThat(json.at("/data/plan").asText()).isEqualTo("free");
        assertThat(json.at("/data/limit").asInt()).isEqualTo(5);
        assertThat(json.at("/data/consumed").asInt()).isEqualTo(2);
        assertThat(json.at("/data/remaining").asInt()).isEqualTo(3);
        assertThat(json.at("/data/reset_at").asText()).isEqualTo("2026-07-02T00:00:00Z");
        assertThat(quota("show", "3").exits(ExitCodes.NO_ACTIVE_SUBSCRIPTION).err()).contains("no_active_subscription");
        quota("show", "99").exits(ExitCodes.USER_NOT_FOUND);
    }

    @Test
    void givenAnAdoptedDatabase_whenHistoryAndTopAreAsked_thenTheyReadTheConversationsMessages() {
        adopt();

        JsonNode history = quota("history", "2", "--days", "2", "-o", "json").exits(0).json();
        JsonNode yesterday = history.at("/data/days/1");
        assertThat(yesterday.at("/date").asText()).isEqualTo("2026-06-30");
        assertThat(yesterday.at("/consumed").asInt()).isEqualTo(6);
        assertThat(yesterday.at("/messages").asInt()).isEqualTo(4);

        JsonNode top = quota("top", "--date", "2026-06-30", "-o", "json").exits(0).json();
        assertThat(top.at("/data/users/0/email").asText()).isEqualTo("bob@example.com");
        assertThat(top.at("/data/users/0/limit").asInt()).isEqualTo(50);
    }

    @Test
    void givenTheProductsBackendWritesTheMessages_whenConsuming_thenRefusedAndNothingWritten() {
        adopt();

        CliRun run = quota("consume", "1").exits(ExitCodes.NOT_ALLOWED_HERE);

        assertThat(run.err().strip().lines()).hasSize(1);
        assertThat(run.err()).contains("not_allowed_here", "quota charge");
        assertThat(product.queryLong("SELECT used_count FROM user_daily_quota_usages WHERE user_id = 1 AND quota_date = '2026-07-01'"))
                .isEqualTo(2);
    }

    @Test
    void givenABackendThatIgnoresGrants_whenGranting_thenRefusedWithAHintUntilTheDbaDeclaresOtherwise() {
        adopt();

        CliRun refused = quota("grant", "1", "5", "--reason", "outage", "-y").exits(ExitCodes.NOT_ALLOWED_HERE);
        assertThat(refused.err()).contains("quota refund");
        assertThat(product.queryLong("SELECT count(*) FROM quota.quota_adjustments")).isZero();

        product.execute("UPDATE quota.settings SET backend_honours_grants = true");
        JsonNode granted = quota("grant", "1", "5", "--reason", "outage", "-y", "-o", "json").exits(0).json();
        assertThat(granted.at("/data/after/limit").asInt()).isEqualTo(10);
        assertThat(product.queryLong("SELECT granted FROM quota.day_grants WHERE user_id = 1")).isEqualTo(5);
    }

    @Test
    void givenAnAdoptedDatabase_whenSupportAdjustsADay_thenTheProductsCounterMovesAndEachChangeIsAudited() {
        adopt();

        quota("refund", "1", "1", "--reason", "bad answer", "-y").exits(0);
        assertThat(counter(1, "2026-07-01")).isEqualTo(1);
        quota("charge", "2", "2", "--reason", "manual", "-y").exits(0);
        assertThat(counter(2, "2026-07-01")).isEqualTo(2);
        quota("set", "2", "7", "--reason", "ticket 12", "-y").exits(0);
        assertThat(counter(2, "2026-07-01")).isEqualTo(7);
        quota("reset", "2", "--reason", "ticket 13", "-y").exits(0);
        assertThat(counter(2, "2026-07-01")).isZero();
        assertThat(product.queryLong("SELECT count(*) FROM quota.quota_adjustments")).isEqualTo(4);
    }

    private long counter(long user, String day) {
        return product.queryLong("SELECT used_count FROM user_daily_quota_usages WHERE user_id = " + user + " AND quota_date = '" + day + "'");
    }

    @Test
    void givenPlantedDrift_whenReconciledAndRepaired_thenExactlyThatDriftIsFoundAndRepairedOnce() {
        adopt();

        JsonNode report = quota("reconcile", "--date", "2026-06-30", "-o", "json").exits(ExitCodes.DRIFT_FOUND).json();
        assertThat(report.at("/data/drifts").asLong()).isEqualTo(1);
        assertThat(report.at("/data/top_drifts/0/user_id").asLong()).isEqualTo(2);

        quota("reconcile", "--date", "2026-06-30", "--repair", "--rerun").exits(0);
        assertThat(counter(2, "2026-06-30")).isEqualTo(4);
        assertThat(product.queryLong("SELECT count(*) FROM quota.quota_adjustments WHERE kind = 'reconcile' AND user_id = 2")).isEqualTo(1);

        JsonNode again = quota("reconcile", "--date", "2026-06-30", "--rerun", "-o", "json").exits(0).json();
        assertThat(again.at("/data/drifts").asLong()).isZero();
    }

    @Test
    void givenPlantedDrift_whenTheBenchmarksCeilingCountsMessagesOnTheProductsTables_thenItFindsTheJobsDrift() throws Exception {
        adopt();
        String userMessagesOfDays = Files.readString(Path.of("../scripts/chat-backend/user-messages-of-days.sql"));
        ReconcileRequest day = ReconcileRequest.yesterday(clock, ReconcileMode.REPORT);

        try (Database database = Database.open(DatabaseConfig.parse(product.url()));
             Reconciler reconciler = new Reconciler(database, clock)) {
            assertThat(reconciler.countDriftsInOneQuery(day, userMessagesOfDays)).isEqualTo(1);
            product.execute("UPDATE user_daily_quota_usages SET used_count = 4 WHERE user_id = 2 AND quota_date = '2026-06-30'");
            assertThat(reconciler.countDriftsInOneQuery(day, userMessagesOfDays)).isZero();
        }
    }

    @Test
    void givenAMissingView_whenAnyCommandRuns_thenOnePreciseLineExit8AndNothingWritten() {
        adopt();
        product.execute("DROP VIEW quota.user_messages");

        CliRun check = quota("db", "check", "-o", "json").exits(ExitCodes.SCHEMA_MISMATCH);
        assertThat(check.json().at("/error/details/problems").toString()).contains("view quota.user_messages is missing");
        assertThat(quota("refund", "1", "1", "--reason", "x", "-y").exits(ExitCodes.SCHEMA_MISMATCH).err())
                .contains("view quota.user_messages is missing");
        quota("reconcile", "--date", "2026-06-30").exits(ExitCodes.SCHEMA_MISMATCH);
        assertThat(product.queryLong("SELECT count(*) FROM quota.quota_adjustments")).isZero();
        assertThat(counter(1, "2026-07-01")).isEqualTo(2);
    }

    @Test
    void givenAViewWithAMistypedColumn_whenChecked_thenTheLineNamesTheColumnAndTheType() {
        adopt();
        product.execute("DROP VIEW quota.accounts; CREATE VIEW quota.accounts (user_id, email, created_at) AS "
                + "SELECT id, email, CAST(created_at AS text) FROM public.users");

        CliRun run = quota("db", "check").exits(ExitCodes.SCHEMA_MISMATCH);

        assertThat(run.err()).contains("view quota.accounts column created_at is text; the contract needs timestamp with time zone");
        quota("show", "1").exits(ExitCodes.SCHEMA_MISMATCH);
    }

    @Test
    void givenADayLimitReplacedByHand_whenChecked_thenItIsNamedWithExit8AndTheNextMigrateRestoresIt() {
        adopt();
        product.execute("""
                DO $$ BEGIN
                    EXECUTE replace(pg_get_functiondef('quota.day_limit'::regproc),
                                    'effective_limit(p.daily_message_limit,', 'effective_limit(p.daily_message_limit + 5,');
                END $$""");
        assertThat(product.queryLong("SELECT daily_limit FROM quota.status(1)")).isEqualTo(10);

        assertThat(quota("db", "check").exits(ExitCodes.SCHEMA_MISMATCH).err())
                .contains("quota.day_limit(bigint, date, boolean) differs from this release's text");
        assertThat(quota("db", "migrate").exits(0).err()).contains("re-rendered quota.day_limit(bigint, date, boolean)");

        quota("db", "check").exits(0);
        assertThat(product.queryLong("SELECT daily_limit FROM quota.status(1)")).isEqualTo(5);
    }

    @Test
    void givenACounterTableWithoutItsUniqueKey_whenChecked_thenTheStatementToAddItIsGiven() {
        adopt();
        product.execute("ALTER TABLE user_daily_quota_usages DROP CONSTRAINT uq_user_daily_quota_usages_user_id_quota_date");

        CliRun run = quota("db", "check").exits(ExitCodes.SCHEMA_MISMATCH);

        assertThat(run.err()).contains("has no unique key on (user_id, quota_date)",
                "CREATE UNIQUE INDEX CONCURRENTLY user_daily_quota_usages_user_day ON public.user_daily_quota_usages (user_id, quota_date);");
    }

    @Test
    void givenNoIndexForTheNightlyScan_whenChecked_thenUsableWithTheExactIndexToCreate() {
        adopt();
        product.execute("DROP INDEX ix_messages_created_at");

        CliRun run = quota("db", "check").exits(0);

        assertThat(run.out()).contains("warning: no index serves the reconciler's scan",
                "CREATE INDEX CONCURRENTLY ON public.messages (created_at) WHERE ((role)::text = 'user'::text);");
    }

    @Test
    void givenASupportRoleWithThePrintedGrants_whenItWorks_thenSupportAndTheNightlyJobRun() {
        adopt();
        product.execute("CREATE ROLE support LOGIN");
        product.execute(String.join("\n", quota("db", "grants", "--role", "support").exits(0).out().lines().toList()));

        quotaAs("support", "show", "1").exits(0);
        quotaAs("support", "refund", "1", "1", "--reason", "x", "-y").exits(0);
        quotaAs("support", "charge", "3", "1", "--reason", "x", "-y", "--date", "2026-06-10").exits(0);
        quotaAs("support", "reconcile", "--date", "2026-06-30", "--repair").exits(0);
        assertThat(counter(2, "2026-06-30")).isEqualTo(4);
    }

    @Test
    void givenAReadOnlyRole_whenItTriesToWrite_thenPermissionDeniedNamingThePrivilegeAndNothingWritten() {
        adopt();
        product.execute("CREATE ROLE viewer LOGIN");
        product.execute(String.join("\n", quota("db", "grants", "--role", "viewer", "--read-only").exits(0).out().lines().toList()));

        quotaAs("viewer", "show", "1").exits(0);
        quotaAs("viewer", "history", "2").exits(0);
        quotaAs("viewer", "reconcile", "--date", "2026-06-30").exits(ExitCodes.DRIFT_FOUND);
        CliRun refund = quotaAs("viewer", "refund", "1", "1", "--reason", "x", "-y").exits(ExitCodes.PERMISSION_DENIED);

        assertThat(refund.err().strip().lines()).hasSize(1);
        assertThat(refund.err()).contains("permission_denied", "permission denied for table");
        assertThat(counter(1, "2026-07-01")).isEqualTo(2);
    }

    @Test
    void givenTheBackendsRoleWithThePrintedGrants_whenItConsumesThroughTheSqlApi_thenChargedInItsOwnTransaction() throws Exception {
        adopt();
        product.execute("CREATE ROLE chat_backend LOGIN; GRANT INSERT ON messages TO chat_backend; "
                + "GRANT USAGE ON SEQUENCE messages_id_seq TO chat_backend");
        product.execute(String.join("\n", quota("db", "grants", "--role", "chat_backend", "--chat-backend").exits(0).out().lines().toList()));

        try (java.sql.Connection backend = java.sql.DriverManager.getConnection(product.urlAs("chat_backend"));
             java.sql.Statement statement = backend.createStatement()) {
            backend.setAutoCommit(false);
            try (java.sql.ResultSet row = statement.executeQuery(
                    "SELECT accepted, consumed FROM quota.consume(2, 1, 'req-1', '2026-07-01T10:00:00Z')")) {
                row.next();
                assertThat(row.getBoolean(1)).isTrue();
            }
            statement.execute("INSERT INTO messages (conversation_id, role, content) VALUES (2, 'user', 'hi')");
            backend.commit();
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> statement.execute(
                    "INSERT INTO quota.quota_adjustments (user_id, quota_date, kind, requested, applied_delta, reason, actor) "
                            + "VALUES (2, current_date, 'grant', 1, 1, 'x', 'y')")))
                    .hasMessageContaining("permission denied for table quota_adjustments");
            backend.rollback();
        }
        assertThat(quota("show", "2", "-o", "json").exits(0).json().at("/data/consumed").asInt()).isEqualTo(1);
    }
}
