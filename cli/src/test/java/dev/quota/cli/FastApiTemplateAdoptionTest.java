package dev.quota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quota.core.UserKeyType;
import dev.quota.core.testing.ChatBackendDatabase;
import dev.quota.core.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The toolkit adopted by a product built on the FastAPI full-stack template
 * (layouts/fastapi-template.sql): a {@code "user"} table keyed by uuid as the template keys
 * it, or by the identity provider's text subject, messages owned by their user. Alice (free,
 * 5 a day) and Bob (pro, 50) wrote yesterday and Alice today; Carol's plan ended; Bob's
 * counter for yesterday says 6 where he wrote 4 messages.
 */
@ParameterizedClass(name = "{0} keys")
@EnumSource(value = UserKeyType.class, names = {"UUID", "TEXT"})
class FastApiTemplateAdoptionTest {

    @Parameter
    UserKeyType keys;

    @RegisterExtension
    final ChatBackendDatabase product = ChatBackendDatabase.fastApiTemplate(() -> keys);

    final MutableClock clock = MutableClock.at("2026-07-01T10:00:00Z");

    private String alice;
    private String bob;
    private String carol;

    /** The key the product gives a user: a uuid as the template makes them, or an auth0 subject. */
    private String key(String name) {
        return keys == UserKeyType.UUID ? UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString() : "auth0|" + name;
    }

    /** The SQL that makes the key of the {@code g}-th generated user, for bulk rows. */
    private String generatedKey(String g) {
        return keys == UserKeyType.UUID ? "CAST(md5('user' || " + g + ") AS uuid)" : "'auth0|user' || " + g;
    }

    @BeforeEach
    void productData() {
        alice = key("alice");
        bob = key("bob");
        carol = key("carol");
        product.execute("""
                INSERT INTO plan (id, code, daily_message_limit) VALUES (gen_random_uuid(), 'free', 5), (gen_random_uuid(), 'pro', 50);
                INSERT INTO "user" (id, email, is_active, is_superuser, hashed_password, created_at) VALUES
                    (CAST('%1$s' AS %4$s), 'alice@example.com', true, false, 'x', '2026-05-01T00:00Z'),
                    (CAST('%2$s' AS %4$s), 'bob@example.com', true, false, 'x', '2026-05-01T00:00Z'),
                    (CAST('%3$s' AS %4$s), 'carol@example.com', true, false, 'x', '2026-05-01T00:00Z');
                INSERT INTO subscription (id, user_id, plan_id, is_active, started_at, ended_at)
                SELECT gen_random_uuid(), CAST(u AS %4$s), (SELECT id FROM plan WHERE code = p), a, '2026-06-01T00:00Z', e
                  FROM (VALUES ('%1$s', 'free', true, NULL), ('%2$s', 'pro', true, NULL),
                               ('%3$s', 'free', false, TIMESTAMPTZ '2026-06-15T00:00Z')) s (u, p, a, e);
                INSERT INTO chatmessage (id, owner_id, role, content, request_id, created_at)
                SELECT gen_random_uuid(), CAST('%1$s' AS %4$s), r, 'hi', NULL, '2026-06-30T09:00Z'::timestamptz + g * interval '1 minute'
                  FROM generate_series(1, 3) g, unnest(ARRAY['user', 'assistant']) r;
                INSERT INTO chatmessage (id, owner_id, role, content, request_id, created_at)
                SELECT gen_random_uuid(), CAST('%2$s' AS %4$s), 'user', 'hi', 'b-' || g, '2026-06-30T12:00Z'::timestamptz + g * interval '1 minute'
                  FROM generate_series(1, 4) g;
                INSERT INTO chatmessage (id, owner_id, role, content, request_id, created_at)
                SELECT gen_random_uuid(), CAST('%1$s' AS %4$s), 'user', 'hi', 'a-' || g, '2026-07-01T08:00Z'::timestamptz + g * interval '1 minute'
                  FROM generate_series(1, 2) g;
                INSERT INTO user_daily_quota_usages (user_id, quota_date, used_count) VALUES
                    (CAST('%1$s' AS %4$s), '2026-06-30', 3), (CAST('%2$s' AS %4$s), '2026-06-30', 6), (CAST('%1$s' AS %4$s), '2026-07-01', 2);
                """.formatted(alice, bob, carol, keys.sqlType()));
    }

    private CliRun quota(String... args) {
        return CliRun.run(product.url(), clock, "", false, args);
    }

    private void adopt() {
        quota("db", "migrate").exits(0);
        product.writeViews();
    }

    private long counter(String user, String day) {
        return product.queryLong("SELECT used_count FROM user_daily_quota_usages WHERE user_id = '" + user + "' AND quota_date = '" + day + "'");
    }

    @Test
    void givenTheTemplatesTables_whenAdopted_thenTheToolkitIsKeyedByTheProductsTypeAndNoProductTableChanges() {
        List<String> before = product.definitions("public");

        adopt();

        assertThat(quota("db", "check").exits(0).out()).contains("Read contract holds").doesNotContain("warning");
        assertThat(product.definitions("public")).isEqualTo(before);
        assertThat(product.definitions("quota")).filteredOn(line -> line.startsWith("quota_adjustments r"))
                .singleElement().asString().contains("user_id:" + keys.sqlType() + ":");
        assertThat(product.queryLong("SELECT count(*) FROM quota.settings WHERE user_key_type = '" + keys.sqlType() + "'")).isOne();
        assertThat(product.queryLong("SELECT count(*) FROM pg_proc WHERE oid = to_regprocedure('quota.consume(" + keys.sqlType()
                + ", integer, text, timestamp with time zone)')")).isOne();
    }

    @Test
    void givenAnAdoptedDatabase_whenShownByEmailOrKey_thenThePlanTheProductsCounterAndTheKeyAsTheProductWritesIt() {
        adopt();

        JsonNode byEmail = quota("show", "ALICE@example.com", "-o", "json").exits(0).json();
        JsonNode byKey = quota("show", alice, "-o", "json").exits(0).json();

        assertThat(byEmail.at("/data/user_id").asText()).isEqualTo(alice);
        assertThat(byEmail.at("/data/plan").asText()).isEqualTo("free");
        assertThat(byEmail.at("/data/consumed").asInt()).isEqualTo(2);
        assertThat(byEmail.at("/data/remaining").asInt()).isEqualTo(3);
        assertThat(byKey.get("data")).isEqualTo(byEmail.get("data"));
        quota("show", carol).exits(ExitCodes.NO_ACTIVE_SUBSCRIPTION);
        quota("show", key("nobody")).exits(ExitCodes.USER_NOT_FOUND);
    }

    @Test
    void givenAnAdoptedDatabase_whenHistoryAndTopAreAsked_thenTheyReadTheUsersMessages() {
        adopt();

        JsonNode yesterday = quota("history", bob, "--days", "2", "-o", "json").exits(0).json().at("/data/days/1");
        JsonNode top = quota("top", "--date", "2026-06-30", "-o", "json").exits(0).json();

        assertThat(yesterday.at("/date").asText()).isEqualTo("2026-06-30");
        assertThat(yesterday.at("/consumed").asInt()).isEqualTo(6);
        assertThat(yesterday.at("/messages").asInt()).isEqualTo(4);
        assertThat(top.at("/data/users/0/user_id").asText()).isEqualTo(bob);
        assertThat(top.at("/data/users/0/email").asText()).isEqualTo("bob@example.com");
    }

    @Test
    void givenAnAdoptedDatabase_whenSupportAdjustsADay_thenTheProductsCounterMovesAndEachChangeIsAuditedUnderTheKey() {
        adopt();

        quota("refund", alice, "1", "--reason", "bad answer", "-y").exits(0);
        assertThat(counter(alice, "2026-07-01")).isEqualTo(1);
        quota("charge", "bob@example.com", "2", "--reason", "manual", "-y").exits(0);
        quota("set", bob, "7", "--reason", "ticket 12", "-y").exits(0);
        assertThat(counter(bob, "2026-07-01")).isEqualTo(7);
        quota("reset", bob, "--reason", "ticket 13", "-y").exits(0);
        assertThat(counter(bob, "2026-07-01")).isZero();
        assertThat(product.queryLong("SELECT count(*) FROM quota.quota_adjustments WHERE user_id = '" + bob + "'")).isEqualTo(3);
    }

    @Test
    void givenPlantedDrift_whenReconciledAndRepaired_thenExactlyThatDriftIsFoundAndRepairedOnce() {
        adopt();

        JsonNode report = quota("reconcile", "--date", "2026-06-30", "-o", "json").exits(ExitCodes.DRIFT_FOUND).json();
        assertThat(report.at("/data/drifts").asLong()).isEqualTo(1);
        assertThat(report.at("/data/top_drifts/0/user_id").asText()).isEqualTo(bob);

        quota("reconcile", "--date", "2026-06-30", "--repair", "--rerun").exits(0);
        assertThat(counter(bob, "2026-06-30")).isEqualTo(4);
        assertThat(product.queryLong("SELECT count(*) FROM quota.quota_adjustments WHERE kind = 'reconcile' AND user_id = '" + bob + "'"))
                .isOne();
        assertThat(quota("reconcile", "--date", "2026-06-30", "--rerun", "-o", "json").exits(0).json().at("/data/drifts").asLong()).isZero();
    }

    @Test
    void givenDriftAcrossManyUsers_whenRepairedInQuantilePartitions_thenEveryCounterMatchesItsMessagesAndNoneIsRepairedTwice() {
        adopt();
        // 120 more users on pro: user g wrote g % 7 messages yesterday; every third counter is one over, every fifth one under
        product.execute("""
                INSERT INTO "user" (id, email, is_active, is_superuser, hashed_password)
                SELECT %1$s, 'user' || g || '@example.com', true, false, 'x' FROM generate_series(1, 120) g;
                INSERT INTO subscription (id, user_id, plan_id, is_active, started_at)
                SELECT gen_random_uuid(), %1$s, (SELECT id FROM plan WHERE code = 'pro'), true, '2026-06-01T00:00Z' FROM generate_series(1, 120) g;
                INSERT INTO chatmessage (id, owner_id, role, content, created_at)
                SELECT gen_random_uuid(), %1$s, 'user', 'hi', '2026-06-30T06:00Z'::timestamptz + m * interval '1 minute'
                  FROM generate_series(1, 120) g, generate_series(1, 6) m WHERE m <= g %% 7;
                INSERT INTO user_daily_quota_usages (user_id, quota_date, used_count)
                SELECT %1$s, '2026-06-30', g %% 7 + CASE WHEN g %% 3 = 0 THEN 1 WHEN g %% 5 = 0 AND g %% 7 > 0 THEN -1 ELSE 0 END
                  FROM generate_series(1, 120) g WHERE g %% 7 > 0 OR g %% 3 = 0;
                """.formatted(generatedKey("g")));
        long planted = 1 + product.queryLong("SELECT count(*) FROM generate_series(1, 120) g WHERE g % 3 = 0 OR (g % 5 = 0 AND g % 7 > 0)");

        JsonNode repaired = quota("reconcile", "--date", "2026-06-30", "--repair", "--partitions", "4", "--chunk-size", "7", "-o", "json")
                .exits(0).json();

        assertThat(repaired.at("/data/drifts").asLong()).isEqualTo(planted);
        assertThat(product.queryLong("""
                SELECT count(*) FROM user_daily_quota_usages c
                 WHERE c.quota_date = '2026-06-30'
                   AND c.used_count <> (SELECT count(*) FROM chatmessage m WHERE m.owner_id = c.user_id AND m.role = 'user'
                                           AND m.created_at >= '2026-06-30' AND m.created_at < '2026-07-01')""")).isZero();
        assertThat(product.queryLong("SELECT count(*) - count(DISTINCT user_id) FROM quota.quota_adjustments WHERE kind = 'reconcile'"))
                .isZero();
    }

    @Test
    void givenTheBackendsRoleWithThePrintedGrants_whenItConsumesByTheProductsKey_thenChargedInItsOwnTransaction() throws Exception {
        adopt();
        String role = "fastapi_backend_" + keys.name().toLowerCase(java.util.Locale.ROOT); // roles are the server's, not the database's
        product.execute("DROP ROLE IF EXISTS " + role + "; CREATE ROLE " + role + " LOGIN; GRANT INSERT ON chatmessage TO " + role);
        product.execute(String.join("\n", quota("db", "grants", "--role", role, "--chat-backend").exits(0).out().lines().toList()));

        try (Connection backend = DriverManager.getConnection(product.urlAs(role));
             PreparedStatement consume = backend.prepareStatement(
                     "SELECT accepted, consumed FROM quota.consume(CAST(? AS " + keys.sqlType() + "), 1, 'req-1', '2026-07-01T10:00:00Z')");
             PreparedStatement message = backend.prepareStatement(
                     "INSERT INTO chatmessage (id, owner_id, role, content, request_id, created_at) VALUES (gen_random_uuid(), CAST(? AS "
                             + keys.sqlType() + "), 'user', 'hi', 'req-1', '2026-07-01T10:00:00Z')")) {
            backend.setAutoCommit(false);
            consume.setString(1, bob);
            try (ResultSet row = consume.executeQuery()) {
                row.next();
                assertThat(row.getBoolean("accepted")).isTrue();
                assertThat(row.getInt("consumed")).isOne();
            }
            message.setString(1, bob);
            message.executeUpdate();
            backend.commit();
        }
        assertThat(quota("show", bob, "-o", "json").exits(0).json().at("/data/consumed").asInt()).isOne();
        JsonNode today = quota("reconcile", "--date", "2026-07-01", "--include-today", "-o", "json").json();
        assertThat(today.at("/data/drifts").asLong()).as(today.toString()).isZero();
    }
}
