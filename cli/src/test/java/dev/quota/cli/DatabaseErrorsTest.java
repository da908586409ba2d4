package dev.quota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quota.core.testing.SharedPostgres;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** Connection and schema problems: one line, the right exit code, never a password. */
class DatabaseErrorsTest extends CliTestBase {

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void givenNothingListening_whenShowing_thenExit7WithoutThePassword() throws Exception {
        CliRun run = CliRun.run("postgresql://ops:hunter2@127.0.0.1:" + closedPort() + "/chat", clock, "", false, "show", "1");

        run.exits(7);
        assertThat(run.err()).contains("database_unavailable").doesNotContain("hunter2");
        assertThat(run.err().strip().lines()).hasSize(1);
    }

    @Test
    void givenAMalformedUrl_whenShowing_thenExit6AndTheUrlRedacted() {
        CliRun run = CliRun.run("mysql://root:hunter2@db/chat", clock, "", false, "show", "1").exits(6);
        assertThat(run.err()).doesNotContain("hunter2");
    }

    @Test
    void givenADatabaseWithoutTheSchema_whenShowing_thenExit8AndAHint() {
        String empty = SharedPostgres.get().createEmptyDatabase();
        try {
            CliRun run = CliRun.run(SharedPostgres.get().config(empty).jdbcUrl() + "?user=postgres", clock, "", false, "show", "1");
            assertThat(run.exits(8).err()).contains("quota db migrate");
        } finally {
            SharedPostgres.get().dropDatabase(empty);
        }
    }

    @Test
    void givenAnEmptyDatabase_whenMigratedWithTheStandIn_thenTheContractHoldsAndMigratingAgainDoesNothing() {
        String empty = SharedPostgres.get().createEmptyDatabase();
        String url = SharedPostgres.get().config(empty).jdbcUrl() + "?user=postgres";
        try {
            assertThat(CliRun.run(url, clock, "", false, "db", "migrate", "--stand-in").exits(0).out()).contains("Applied " + dev.quota.core.db.SchemaVersion.LATEST + " migrations");
            assertThat(CliRun.run(url, clock, "", false, "db", "migrate").exits(0).out()).contains("already up to date");
            assertThat(CliRun.run(url, clock, "", false, "db", "check").exits(0).out())
                    .contains("Read contract holds", "stand_in true").doesNotContain("warning");
        } finally {
            SharedPostgres.get().dropDatabase(empty);
        }
    }

    @Test
    void givenACounterTableThatLostItsKeyAndAViewThatLostAColumn_whenChecked_thenExit8NamingEach() {
        db.jdbi().useHandle(h -> h.execute("""
                ALTER TABLE user_daily_quota_usages DROP CONSTRAINT user_daily_quota_usages_user_day;
                DROP VIEW quota.accounts;
                CREATE VIEW quota.accounts (user_id, created_at) AS SELECT id, created_at FROM public.users;
                """));

        CliRun run = quota("db", "check", "-o", "json").exits(8);

        assertThat(run.json().at("/error/code").asText()).isEqualTo("schema_mismatch");
        assertThat(run.json().at("/error/details/problems").toString())
                .contains("has no unique key on (user_id, quota_date)", "view quota.accounts has no column email (a text type)");
    }
}
