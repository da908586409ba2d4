package dev.quota.core.persistence;

import dev.quota.core.UserKey;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

/** The holds table as support reads and releases it; the SQL API's functions are the backend's way in. */
@RegisterConstructorMapper(HoldRow.class)
public interface HoldDao {

    /** A hold's columns as {@link HoldRow} reads them; expiry is judged on the database's clock. */
    String COLUMNS = """
            request_id, units, state, state = 'held' AND expires_at <= now() AS expired, units_used, charged_units, code,
                   created_at, expires_at, finished_at, released_by, release_reason""";

    /** A user's holds taken on {@code day}, oldest first. */
    @SqlQuery("SELECT " + COLUMNS + """

              FROM quota_holds
             WHERE user_id = :user AND quota_date = :day
             ORDER BY created_at, request_id""")
    List<HoldRow> forDay(UserKey user, LocalDate day);

    /** The holds support released by hand ({@code quota release}) on the days from {@code from} to {@code to}: their audit trail. */
    @SqlQuery("SELECT " + COLUMNS + """

              FROM quota_holds
             WHERE user_id = :user AND quota_date BETWEEN :from AND :to AND released_by IS NOT NULL
             ORDER BY finished_at, request_id""")
    List<HoldRow> releasedByHand(UserKey user, LocalDate from, LocalDate to);

    /** One hold of a user, whatever its day. */
    @SqlQuery("SELECT " + COLUMNS + """

              FROM quota_holds
             WHERE user_id = :user AND request_id = :requestId
               FOR UPDATE""")
    Optional<HoldRow> lockOne(UserKey user, String requestId);

    /** Releases an open hold by hand, recording who and why on it. */
    @SqlQuery("""
            UPDATE quota_holds SET state = 'released', finished_at = now(), released_by = :actor, release_reason = :reason
             WHERE user_id = :user AND request_id = :requestId AND state = 'held'
            RETURNING """ + " " + COLUMNS)
    HoldRow release(UserKey user, String requestId, String actor, String reason);
}
