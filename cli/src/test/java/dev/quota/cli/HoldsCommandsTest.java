package dev.quota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quota.core.UserKey;
import dev.quota.core.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Support's view of holds taken through the SQL API: {@code show} counts them, {@code holds}
 * lists them, and {@code release} frees one by hand with who and why recorded on it.
 */
class HoldsCommandsTest extends CliTestBase {

    /** The SQL API takes the day from the database's clock: the commands read on it too, as they do in production. */
    @BeforeEach
    void onTheDatabasesClock() {
        clock.set(db.jdbi().withHandle(h -> h.createQuery("SELECT now()").mapTo(java.time.OffsetDateTime.class).one()).toInstant());
    }

    private void reserve(UserKey user, int units, String requestId) {
        reserve(user, units, requestId, "5 minutes");
    }

    private void reserve(UserKey user, int units, String requestId, String ttl) {
        db.jdbi().useTransaction(h -> h.createQuery("SELECT accepted FROM quota.reserve(:u, :n, :r, CAST(:ttl AS interval))")
                .bind("u", user).bind("n", units).bind("r", requestId).bind("ttl", ttl).mapTo(Boolean.class).one());
    }

    private void storeAndSettle(UserKey user, String requestId, int used) {
        db.jdbi().useTransaction(h -> {
            h.createUpdate("INSERT INTO chat_messages (user_id, role, request_id) VALUES (:u, 'user', :r)")
                    .bind("u", user).bind("r", requestId).execute();
            h.createQuery("SELECT settled FROM quota.settle(:u, :r, :n)").bind("u", user).bind("r", requestId).bind("n", used)
                    .mapTo(Boolean.class).one();
        });
    }

    @Test
    void givenAHeldReply_whenShown_thenTheUnitsHeldAndWhatRemainsAfterThem() {
        UserKey user = fixtures.subscribedUser("ada@example.com", 5);
        reserve(user, 2, "r-1");

        JsonNode json = quota("show", "ada@example.com", "-o", "json").exits(0).json();
        CliRun text = quota("show", "ada@example.com").exits(0);

        assertThat(json.at("/data/held").asInt()).isEqualTo(2);
        assertThat(json.at("/data/remaining").asInt()).isEqualTo(3);
        assertThat(json.at("/data/first_hold_expires_at").asText()).isNotBlank();
        assertThat(text.out()).contains("Held", "replies being written");
    }

    @Test
    void givenHoldsInSeveralStates_whenListed_thenEachWithItsStateAndTheUnitsHeldNow() {
        UserKey user = fixtures.subscribedUser("ada@example.com", 5);
        reserve(user, 2, "r-1");
        reserve(user, 1, "r-2");
        storeAndSettle(user, "r-2", 1);

        JsonNode json = quota("holds", user.toString(), "-o", "json").exits(0).json();

        assertThat(json.at("/data/held").asInt()).isEqualTo(2);
        assertThat(json.at("/data/holds/0/request_id").asText()).isEqualTo("r-1");
        assertThat(json.at("/data/holds/0/state").asText()).isEqualTo("held");
        assertThat(json.at("/data/holds/1/state").asText()).isEqualTo("settled");
        assertThat(json.at("/data/holds/1/charged_units").asInt()).isOne();
    }

    @Test
    void givenAnOpenHold_whenSupportReleasesIt_thenItsUnitsAreFreeAndWhoAndWhyAreOnIt() {
        UserKey user = fixtures.subscribedUser("ada@example.com", 5);
        reserve(user, 2, "r-1");

        CliRun released = quota("release", user.toString(), "r-1", "--reason", "reply stuck after a deploy", "--actor", "ana").exits(0);

        assertThat(released.out()).contains("Released hold r-1", "2 units free again");
        assertThat(quota("show", user.toString(), "-o", "json").exits(0).json().at("/data/remaining").asInt()).isEqualTo(5);
        JsonNode hold = quota("holds", user.toString(), "-o", "json").exits(0).json().at("/data/holds/0");
        assertThat(hold.at("/state").asText()).isEqualTo("released");
        assertThat(hold.at("/released_by").asText()).isEqualTo("ana");
        assertThat(hold.at("/release_reason").asText()).isEqualTo("reply stuck after a deploy");
    }

    @Test
    void givenAHoldSupportReleased_whenHistoryIsShown_thenTheReleaseIsInTheAuditTrailAndTheCallersOwnIsNot() {
        UserKey user = fixtures.subscribedUser("grace@example.com", 5);
        reserve(user, 2, "r-1");
        reserve(user, 1, "r-2");
        quota("release", user.toString(), "r-1", "--reason", "reply stuck after a deploy", "--actor", "ana").exits(0);
        db.jdbi().useHandle(handle -> handle.createQuery("SELECT released FROM quota.release(:u, 'r-2')").bind("u", user)
                .mapTo(Boolean.class).one());

        CliRun history = quota("history", user.toString(), "--days", "1");

        assertThat(history.exits(0).out()).contains("Holds released by hand:", "r-1", "ana", "reply stuck after a deploy")
                .doesNotContain("r-2");
        JsonNode releases = quota("history", user.toString(), "--days", "1", "-o", "json").exits(0).json().at("/data/hold_releases");
        assertThat(releases).hasSize(1);
        assertThat(releases.at("/0/released_by").asText()).isEqualTo("ana");
    }

    @Test
    void givenOpenExpiredAndSettledHolds_whenTheDayIsReconciled_thenNoDriftAndTheHoldsAreInTheMetrics(@TempDir Path files)
            throws Exception {
        UserKey user = fixtures.subscribedUser("ada@example.com", 10);
        reserve(user, 2, "open");
        reserve(user, 3, "dead-caller", "100 milliseconds");
        reserve(user, 1, "delivered");
        storeAndSettle(user, "delivered", 1);
        Await.until("the dead caller's hold to expire",
                () -> quota("show", user.toString(), "-o", "json").json().at("/data/held").asInt() == 2);
        Path metrics = files.resolve("quota.prom");

        JsonNode run = quota("reconcile", "--date", LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).toString(), "--include-today",
                "--metrics-file", metrics.toString(), "-o", "json").exits(0).json();

        assertThat(run.at("/data/drifts").asLong()).isZero();
        assertThat(Files.readString(metrics)).contains("quota_holds_held_units 2", "quota_holds_expired 1");
    }

    @Test
    void givenASettledHoldOrNone_whenReleased_thenOneLineExit6AndNothingChanges() {
        UserKey user = fixtures.subscribedUser("ada@example.com", 5);
        reserve(user, 1, "r-1");
        storeAndSettle(user, "r-1", 1);

        CliRun settled = quota("release", user.toString(), "r-1", "--reason", "x").exits(ExitCodes.INVALID);
        CliRun none = quota("release", user.toString(), "r-9", "--reason", "x").exits(ExitCodes.INVALID);

        assertThat(settled.err().strip().lines()).hasSize(1);
        assertThat(settled.err()).contains("already settled");
        assertThat(none.err()).contains("has no hold 'r-9'");
        assertThat(quota("show", user.toString(), "-o", "json").exits(0).json().at("/data/consumed").asInt()).isOne();
    }
}
