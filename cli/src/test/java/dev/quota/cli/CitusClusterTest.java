package dev.quota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quota.core.UserKey;
import dev.quota.core.db.Database;
import dev.quota.core.db.DatabaseConfig;
import dev.quota.core.db.ServerClock;
import dev.quota.core.strategy.Strategies;
import dev.quota.core.testing.QuotaFixtures;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The toolkit on a Citus coordinator (docs/scaling.md, "On Citus"), on the two layouts a
 * product distributes its tables by: everything by user, and the messages by conversation
 * (layouts/citus-messages-by-conversation.sql after citus-product.sql), where no statement can join a user's
 * messages to the user's counters. Runs when {@code QUOTA_CITUS_URL} points at a
 * coordinator, and is skipped otherwise, since no registry this project builds from
 * packages Citus. {@code scripts/citus/cluster start DIR} prints such a URL. The database it
 * names is REPLACED: its product tables are made again from the layout's files and its quota
 * schema is dropped, once per layout.
 */
@EnabledIfEnvironmentVariable(named = "QUOTA_CITUS_URL", matches = ".+",
        disabledReason = "no Citus coordinator: scripts/citus/cluster start DIR prints one for QUOTA_CITUS_URL")
@ParameterizedClass(name = "{0}")
@EnumSource(CitusClusterTest.Layout.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CitusClusterTest {

    /** How the product distributed its tables, and how its backend stores a user's message there. */
    enum Layout {
        BY_USER(List.of("layouts/citus-product.sql"), "user") {
            @Override
            void storeMessage(Handle handle, UserKey user, String requestId, Instant at) {
                handle.createUpdate("INSERT INTO chat_messages (user_id, role, request_id, created_at) VALUES (:u, 'user', :r, :at)")
                        .bind("u", user).bind("r", requestId).bind("at", at.atOffset(ZoneOffset.UTC)).execute();
            }
        },
        BY_CONVERSATION(List.of("layouts/citus-product.sql", "layouts/citus-messages-by-conversation.sql"), "conversation") {
            @Override
            void storeMessage(Handle handle, UserKey user, String requestId, Instant at) {
                // the user's conversation, started with the first message: the messages carry no user id
                long conversation = handle.createQuery("SELECT id FROM chat_conversations WHERE user_id = :u ORDER BY id LIMIT 1")
                        .bind("u", user).mapTo(Long.class).findOne()
                        .orElseGet(() -> handle.createQuery("INSERT INTO chat_conversations (user_id) VALUES (:u) RETURNING id")
                                .bind("u", user).mapTo(Long.class).one());
                handle.createUpdate("INSERT INTO chat_messages (conversation_id, role, request_id, created_at) VALUES (:c, 'user', :r, :at)")
                        .bind("c", conversation).bind("r", requestId).bind("at", at.atOffset(ZoneOffset.UTC)).execute();
            }
        };

        private final List<String> files;
        /** The simulator's throw-away stand-in distributed as this product's messages are ({@code simulate --messages-by}). */
        private final String messagesBy;

        Layout(List<String> files, String messagesBy) {
            this.files = files;
            this.messagesBy = messagesBy;
        }

        abstract void storeMessage(Handle handle, UserKey user, String requestId, Instant at);
    }

    @Parameter
    Layout layout;

    private final String url = System.getenv("QUOTA_CITUS_URL");
    private Database database;
    private CliRun migrated;
    private QuotaFixtures fixtures;

    @BeforeParameterizedClassInvocation
    void aProductDistributedAsTheLayoutSays() {
        database = Database.open(DatabaseConfig.parse(url));
        database.jdbi().useHandle(handle -> {
            handle.execute("DROP SCHEMA IF EXISTS quota CASCADE");
            handle.execute("DROP TABLE IF EXISTS chat_conversations CASCADE");
            // one statement a transaction, as psql runs the file: Citus distributes a table in a
            // transaction of its own, not in one that also dropped the tables before it
            for (String file : layout.files) {
                handle.createScript(resource(file)).executeAsSeparateStatements();
            }
        });
        migrated = quota("db", "migrate");
        fixtures = new QuotaFixtures(database.jdbi());
    }

    @AfterParameterizedClassInvocation
    void close() {
        database.close();
    }

    private CliRun quota(String... args) {
        return CliRun.run(url, ServerClock.of(database), "", false, args);
    }

    private record Consumed(boolean accepted, boolean replayed, String code) {
    }

    /** quota.consume as a backend calls it, in the caller's transaction (a distributed function: run on the user's worker). */
    private static Consumed consume(Handle handle, UserKey user, String requestId) {
        return handle.createQuery("SELECT accepted, replayed, code FROM quota.consume(:u, 1, :r)").bind("u", user).bind("r", requestId)
                .map((rs, ctx) -> new Consumed(rs.getBoolean(1), rs.getBoolean(2), rs.getString(3))).one();
    }

    private void storeMessage(Handle handle, UserKey user, String requestId) {
        layout.storeMessage(handle, user, requestId, handle.createQuery("SELECT now()").mapTo(Instant.class).one());
    }

    /** The user's messages as the toolkit reads them, through the read contract's view, whatever the layout. */
    private long messagesOf(UserKey user) {
        return counted("SELECT count(*) FROM quota.user_messages WHERE user_id = :u", user);
    }

    private long counted(String sql, UserKey user) {
        return database.jdbi().withHandle(handle -> handle.createQuery(sql).bind("u", user).mapTo(Long.class).one());
    }

    private static String resource(String path) {
        try (InputStream in = CitusClusterTest.class.getClassLoader().getResourceAsStream(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void givenACoordinator_whenMigrated_thenThePerUserTablesAreCoLocatedWithTheCounters() {
        migrated.exits(0);

        Map<String, Object> placement = database.jdbi().withHandle(handle -> handle.createQuery("""
                SELECT count(*) FILTER (WHERE p.colocationid = c.colocationid AND p.partmethod = 'h') AS colocated,
                       count(*) FILTER (WHERE p.logicalrelid = CAST('quota.settings' AS regclass) AND p.partmethod = 'n') AS reference
                  FROM pg_dist_partition p, pg_dist_partition c
                 WHERE c.logicalrelid = CAST('public.user_daily_quota_usages' AS regclass)
                   AND p.logicalrelid IN (CAST('quota.consumed_requests' AS regclass), CAST('quota.quota_adjustments' AS regclass),
                                          CAST('quota.settings' AS regclass))""").mapToMap().one());
        assertThat(placement).containsEntry("colocated", 2L).containsEntry("reference", 1L);
    }

    @Test
    void givenACoordinator_whenMigrated_thenTheSqlApiIsRoutedByItsUserArgument() {
        migrated.exits(0);

        long routed = database.jdbi().withHandle(handle -> handle.createQuery("""
                SELECT count(*) FROM pg_dist_object
                 WHERE classid = CAST('pg_proc' AS regclass) AND distribution_argument_index = 0
                   AND objid IN (to_regprocedure('quota.consume(bigint, integer, text, timestamptz)'),
                                 to_regprocedure('quota.status(bigint, date)'))""").mapTo(Long.class).one());
        assertThat(routed).isEqualTo(2);
    }

    @Test
    void givenADistributedToolkit_whenMigratedAgain_thenNothingMoreIsDistributed() {
        migrated.exits(0);

        assertThat(quota("db", "migrate").exits(0).out()).contains("already up to date").doesNotContain("Distributed");
    }

    @Test
    void givenACoordinator_whenChecked_thenTheContractHoldsWithCitusNamedAndNoShardNamed() {
        migrated.exits(0);

        String check = quota("db", "check").exits(0).out();

        assertThat(check).contains("Read contract holds", "Citus", "coordinator").doesNotContain("warning", "not co-located", "local table")
                .doesNotContainPattern("_1\\d{5}\\b");
    }

    @Test
    void givenTheLayout_whenChecked_thenTheCheckSaysHowTheNightlyJobReadsTheMessages() {
        migrated.exits(0);

        String check = quota("db", "check").exits(0).out();

        if (layout == Layout.BY_CONVERSATION) {
            assertThat(check).contains("note: the user messages are distributed by another key than the user", "merges them in key order");
        } else {
            assertThat(check).doesNotContain("merges them");
        }
    }

    @Test
    void givenAContractViewOverATableOfAnotherColocationGroup_whenChecked_thenTheCheckSaysItIsNotCoLocated() {
        migrated.exits(0);
        String accounts = database.jdbi().withHandle(handle -> handle.createQuery("SELECT pg_get_viewdef('quota.accounts')")
                .mapTo(String.class).one());
        database.jdbi().useHandle(handle -> {
            handle.execute("CREATE TABLE other_accounts (id bigint PRIMARY KEY, email text NOT NULL, created_at timestamptz NOT NULL)");
            handle.execute("SELECT create_distributed_table('other_accounts', 'id', colocate_with => 'none')");
            handle.execute("CREATE OR REPLACE VIEW quota.accounts AS SELECT id AS user_id, email, created_at FROM other_accounts");
        });
        try {
            assertThat(quota("db", "check").out())
                    .contains("other_accounts (behind view accounts) is distributed but not co-located with the counters");
        } finally {
            database.jdbi().useHandle(handle -> {
                handle.execute("CREATE OR REPLACE VIEW quota.accounts AS " + accounts);
                handle.execute("DROP TABLE other_accounts");
            });
        }
    }

    @Test
    void givenExpiredAndFreshRequestIdsOnTheWorkers_whenPruned_thenOnlyTheExpiredGo() {
        migrated.exits(0);
        UserKey user = fixtures.subscribedUser(5);
        database.jdbi().useHandle(handle -> handle.createUpdate("""
                        INSERT INTO quota.consumed_requests (request_id, user_id, quota_date, units)
                        SELECT 'expired-' || g, :u, quota.today() - 30, 1 FROM generate_series(1, 50) g
                        UNION ALL
                        SELECT 'fresh-' || g, :u, quota.today(), 1 FROM generate_series(1, 5) g""")
                .bind("u", user).execute());

        // the nightly job's prune step, on demand: on a distributed table by the rows' key
        quota("db", "prune").exits(0);

        assertThat(counted("SELECT count(*) FROM quota.consumed_requests WHERE user_id = :u AND request_id LIKE 'expired-%'", user)).isZero();
        assertThat(counted("SELECT count(*) FROM quota.consumed_requests WHERE user_id = :u AND request_id LIKE 'fresh-%'", user)).isEqualTo(5);
    }

    @Test
    void givenEightBackendThreads_whenTheyConsumeWithRollbacksAndRetries_thenEachCounterEqualsItsStoredMessagesWithinTheLimit()
            throws Exception {
        migrated.exits(0);
        List<UserKey> users = List.of(fixtures.subscribedUser(30), fixtures.subscribedUser(30), fixtures.subscribedUser(30));
        AtomicInteger next = new AtomicInteger();
        AtomicInteger replaysWrong = new AtomicInteger();

        List<CompletableFuture<Void>> backends = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            backends.add(CompletableFuture.runAsync(() -> {
                for (int n = next.getAndIncrement(); n < 240; n = next.getAndIncrement()) {
                    UserKey user = users.get(n % users.size());
                    String requestId = "citus-" + n;
                    boolean rollBack = n % 7 == 0;
                    Consumed first = database.jdbi().inTransaction(handle -> {
                        Consumed consumed = consume(handle, user, requestId);
                        if (consumed.accepted() && !consumed.replayed()) {
                            storeMessage(handle, user, requestId);
                        }
                        if (rollBack) {
                            handle.rollback(); // the message could not be stored: the unit comes back
                        }
                        return consumed;
                    });
                    if (first.accepted() && !rollBack
                            && !database.jdbi().inTransaction(handle -> consume(handle, user, requestId)).replayed()) {
                        replaysWrong.incrementAndGet();
                    }
                }
            }));
        }
        CompletableFuture.allOf(backends.toArray(CompletableFuture[]::new)).get();

        assertThat(replaysWrong).hasValue(0);
        for (UserKey user : users) {
            long counter = counted("SELECT COALESCE(sum(used_count), 0) FROM user_daily_quota_usages WHERE user_id = :u", user);
            long stored = messagesOf(user);
            assertThat(counter).as("user %d", user).isEqualTo(stored).isLessThanOrEqualTo(30).isPositive();
        }
    }

    @Test
    void givenAReplyHeldThenSettledInTheTransactionThatStoresIt_whenRead_thenChargedOnceAndNothingHeld() {
        migrated.exits(0);
        UserKey user = fixtures.subscribedUser(5);

        boolean reserved = database.jdbi().inTransaction(handle -> handle.createQuery(
                        "SELECT accepted FROM quota.reserve(:u, 3, 'reply-1')").bind("u", user).mapTo(Boolean.class).one());
        int charged = database.jdbi().inTransaction(handle -> {
            storeMessage(handle, user, "reply-1");
            return handle.createQuery("SELECT charged FROM quota.settle(:u, 'reply-1', 1)").bind("u", user).mapTo(Integer.class).one();
        });

        assertThat(reserved).isTrue();
        assertThat(charged).isOne();
        JsonNode shown = quota("show", String.valueOf(user), "-o", "json").exits(0).json();
        assertThat(shown.at("/data/consumed").asInt()).isOne();
        assertThat(shown.at("/data/remaining").asInt()).isEqualTo(4);
        assertThat(messagesOf(user)).isOne();
    }

    @Test
    void givenACoordinator_whenSimulatedWithEachStrategyThatRunsThere_thenEveryMessageIsDecidedAndTheInvariantsHold() {
        migrated.exits(0);

        for (String strategy : Strategies.ON_CITUS) {
            JsonNode simulated = quota("simulate", "--strategy", strategy, "--users", "40", "--requests", "800", "--threads", "8",
                    "--limit", "20", "--distribution", "zipf", "--messages-by", layout.messagesBy, "-o", "json").exits(0).json();

            assertThat(simulated.at("/data/errors").size()).as("%s: calls that failed", strategy).isZero();
            assertThat(simulated.at("/data/accepted").asLong() + simulated.at("/data/blocked").asLong()).as(strategy).isEqualTo(800);
            assertThat(simulated.at("/data/blocked").asLong()).as(strategy).isEqualTo(simulated.at("/data/expected_blocked").asLong());
            assertThat(simulated.at("/data/invariants/passed").asBoolean()).as(strategy).isTrue();
            assertThat(simulated.at("/data/invariants/counters_checked").asLong()).as(strategy).isPositive();
        }
    }

    @Test
    void givenACoordinator_whenSimulatedWithRepliesThatFailOrLoseTheirCaller_thenHoldsAndRefundsKeepTheInvariants() {
        migrated.exits(0);

        for (String replies : List.of("hold", "refund")) {
            JsonNode simulated = quota("simulate", "--strategy", "group-commit", "--users", "20", "--requests", "200", "--threads", "4",
                    "--replies", replies, "--reply-failures", "20", "--killed-callers", "5", "--hold-ttl", "500",
                    "--messages-by", layout.messagesBy, "-o", "json")
                    .exits(0).json();

            assertThat(simulated.at("/data/errors").size()).as("%s: calls that failed", replies).isZero();
            assertThat(simulated.at("/data/replies/failed").asLong()).as("%s: failed replies", replies).isPositive();
            assertThat(simulated.at("/data/invariants/passed").asBoolean()).as(replies).isTrue();
        }
    }

    @Test
    void givenTheLayout_whenSimulatedWithItsMessagesBy_thenTheStandInsMessagesAreDistributedAsTheProductsAre() {
        migrated.exits(0);

        JsonNode simulated = quota("simulate", "--strategy", "group-commit", "--users", "10", "--requests", "100", "--threads", "4",
                "--messages-by", layout.messagesBy, "--keep", "-o", "json").exits(0).json();
        String schema = simulated.at("/data/schema").asText();
        try {
            String messagesBy = database.jdbi().withHandle(handle -> handle.createQuery("""
                            SELECT column_to_column_name(logicalrelid, partkey) FROM pg_dist_partition
                             WHERE logicalrelid = to_regclass(:messages)""")
                    .bind("messages", schema + ".chat_messages").mapTo(String.class).one());
            String productMessagesBy = database.jdbi().withHandle(handle -> handle.createQuery("""
                            SELECT column_to_column_name(logicalrelid, partkey) FROM pg_dist_partition
                             WHERE logicalrelid = to_regclass('public.chat_messages')""").mapTo(String.class).one());

            assertThat(messagesBy).isEqualTo(productMessagesBy);
            assertThat(simulated.at("/data/invariants/passed").asBoolean()).isTrue();
        } finally {
            database.jdbi().useHandle(handle -> handle.execute("DROP SCHEMA IF EXISTS " + schema + ", " + schema + "_quota CASCADE"));
        }
    }

    @Test
    void givenACoordinator_whenSimulatedWithAStrategyThatDoesNotRunThere_thenRefusedInOneLineNamingTheOneThatDoes() {
        migrated.exits(0);

        CliRun simulated = quota("simulate", "--strategy", "row-lock", "--users", "2", "--requests", "2").exits(ExitCodes.UNSUPPORTED_BY_DATABASE);

        assertThat(simulated.err().lines().filter(line -> line.startsWith("error")).toList()).singleElement().asString()
                .contains("unsupported_by_database", "row-lock", "Citus coordinator", "these do: atomic, group-commit, sql-function", "SQL API");
    }

    @Test
    void givenUnitsConsumedThroughTheSqlApi_whenSupportReads_thenShowHistoryAndTopAgreeWithTheCounter() {
        migrated.exits(0);
        UserKey user = fixtures.subscribedUser(5);
        for (String requestId : List.of("read-1", "read-2", "read-3")) {
            database.jdbi().useTransaction(handle -> {
                consume(handle, user, requestId);
                storeMessage(handle, user, requestId);
            });
        }

        JsonNode shown = quota("show", String.valueOf(user), "-o", "json").exits(0).json();
        assertThat(shown.at("/data/consumed").asInt()).isEqualTo(3);
        assertThat(shown.at("/data/remaining").asInt()).isEqualTo(2);
        assertThat(quota("history", String.valueOf(user), "-o", "json").exits(0).json().at("/data/days/0/consumed").asInt()).isEqualTo(3);
        assertThat(quota("top", "-o", "json").exits(0).json().findValues("user_id")).extracting(JsonNode::asLong).contains(((UserKey.Whole) user).value());
    }

    @Test
    void givenPlantedDriftOnAFinishedDay_whenReconciledWithRepair_thenExactlyThatDriftIsRepairedOnItsWorker() {
        migrated.exits(0);
        UserKey overCounted = fixtures.subscribedUser(50);
        UserKey underCounted = fixtures.subscribedUser(50);
        UserKey missing = fixtures.subscribedUser(50);
        UserKey clean = fixtures.subscribedUser(50);
        LocalDate day = database.jdbi().withHandle(handle -> handle.createQuery("SELECT quota.today() - 2").mapTo(LocalDate.class).one());
        database.jdbi().useTransaction(handle -> {
            for (UserKey user : List.of(overCounted, underCounted, missing, clean)) {
                for (int m = 1; m <= 4; m++) {
                    layout.storeMessage(handle, user, "drift-" + m, day.atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(60L * m));
                }
            }
            for (Map.Entry<UserKey, Integer> counter : Map.of(overCounted, 6, underCounted, 2, clean, 4).entrySet()) {
                handle.createUpdate("INSERT INTO user_daily_quota_usages (user_id, quota_date, used_count) VALUES (:u, :day, :n)")
                        .bind("u", counter.getKey()).bind("day", day).bind("n", counter.getValue()).execute();
            }
        });

        JsonNode report = quota("reconcile", "--date", day.toString(), "-o", "json").exits(ExitCodes.DRIFT_FOUND).json();
        assertThat(report.at("/data/drifts").asLong()).isEqualTo(3);
        assertThat(report.at("/data/drifts_by_kind/over_counted").asLong()).isOne();
        assertThat(report.at("/data/drifts_by_kind/under_counted").asLong()).isOne();
        assertThat(report.at("/data/drifts_by_kind/missing_counter").asLong()).isOne();
        quota("reconcile", "--date", day.toString(), "--repair", "--rerun").exits(0);

        for (UserKey user : List.of(overCounted, underCounted, missing, clean)) {
            assertThat(counted("SELECT used_count FROM user_daily_quota_usages WHERE user_id = :u AND quota_date = quota.today() - 2", user))
                    .as("the counter of %s", user).isEqualTo(4);
        }
        assertThat(quota("reconcile", "--date", day.toString(), "--rerun", "-o", "json").exits(0).json().at("/data/drifts").asLong())
                .isZero();
    }
}
