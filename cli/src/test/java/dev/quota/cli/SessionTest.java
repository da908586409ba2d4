package dev.quota.cli;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quota.core.ErrorCode;
import dev.quota.core.QuotaException;
import dev.quota.core.db.Database;
import dev.quota.core.db.Database.Connections;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/** A session checks once that its database is usable: the shell's commands then skip the catalog queries. */
class SessionTest extends CliTestBase {

    @Test
    void givenASessionThatFoundItsDatabaseUsable_whenTheSchemaChangesUnderIt_thenItDoesNotCheckAgain() {
        try (Session session = new Session(dbUrl(), Database.open(db.config(), Connections.ONE), Clock.systemUTC())) {
            session.requireUsable();
            renameTheSchemaHistory();

            assertThatCode(session::requireUsable).doesNotThrowAnyException();
        }
    }

    @Test
    void givenANewSession_whenTheSchemaIsNotUsable_thenItSaysSo() {
        renameTheSchemaHistory();

        try (Session session = new Session(dbUrl(), Database.open(db.config(), Connections.ONE), Clock.systemUTC())) {
            assertThatThrownBy(session::requireUsable).isInstanceOfSatisfying(QuotaException.class,
                    e -> org.assertj.core.api.Assertions.assertThat(e.code()).isEqualTo(ErrorCode.SCHEMA_MISMATCH));
        }
    }

    @Test
    void givenASessionWhoseFirstCheckFailed_whenTheSchemaIsMadeUsable_thenTheNextCheckPasses() {
        renameTheSchemaHistory();
        try (Session session = new Session(dbUrl(), Database.open(db.config(), Connections.ONE), Clock.systemUTC())) {
            assertThatThrownBy(session::requireUsable).isInstanceOf(QuotaException.class);
            db.jdbi().useHandle(h -> h.execute("ALTER TABLE " + db.config().schemas().inToolkit("schema_history_away") + " RENAME TO flyway_schema_history"));

            assertThatCode(session::requireUsable).doesNotThrowAnyException();
        }
    }

    private void renameTheSchemaHistory() {
        db.jdbi().useHandle(h -> h.execute("ALTER TABLE " + db.config().schemas().inToolkit("flyway_schema_history") + " RENAME TO schema_history_away"));
    }
}
