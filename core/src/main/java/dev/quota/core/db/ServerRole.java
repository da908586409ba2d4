package dev.quota.core.db;

import dev.quota.core.ErrorCode;
import dev.quota.core.QuotaException;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * Whether a server is a primary or a hot standby. A writing command aimed at a standby is
 * refused up front with one line that names the problem: a standby refuses writes one by
 * one with messages that send an operator elsewhere (Spring Batch's repository, for one,
 * fails on "cannot use serializable mode in a hot standby").
 */
public final class ServerRole {

    private ServerRole() {
    }

    public static boolean isStandby(Handle handle) {
        return handle.createQuery("SELECT pg_is_in_recovery()").mapTo(Boolean.class).one();
    }

    /** Refuses {@code what} with {@code read_only_database} when the server is a hot standby. */
    public static void requireWritable(Database database, String what) {
        boolean standby = SqlStates.translated(() -> database.jdbi().withHandle(ServerRole::isStandby));
        if (standby) {
            throw new QuotaException(ErrorCode.READ_ONLY_DATABASE, database.describe() + " is a hot standby (read-only), and "
                    + what + " writes; point --db-url (QUOTA_DB_URL) at the primary, and --read-url (QUOTA_READ_URL) at the standby",
                    Map.of("database", database.describe()));
        }
    }

    static QuotaException readOnly(String detail, Throwable failure) {
        return new QuotaException(ErrorCode.READ_ONLY_DATABASE, "the database is read-only (" + detail
                + "): a hot standby takes reads only; point --db-url (QUOTA_DB_URL) at the primary",
                Map.of("sql_state", SqlStates.READ_ONLY_SQL_TRANSACTION), null, failure);
    }
}
