package dev.quota.core.db;

import dev.quota.core.UserKeyType;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * What V10 runs: the table of holds, keyed by the product's key type, and the SQL API with
 * them: {@code quota.reserve}, {@code quota.settle}, {@code quota.release}, and admission
 * counting the units held in {@code quota.consume} and {@code quota.status}
 * (docs/sql-api.md#holding-quota-while-the-reply-is-written). Nothing existing is locked:
 * the table is new, and the functions are replaced ({@link SqlApi}).
 */
public final class HoldsSchema {

    /** A hold's states: taken, then settled or released; expiry is read from expires_at, never written. */
    public static final List<String> STATES = List.of("held", "settled", "released");

    private HoldsSchema() {
    }

    public static List<String> migration(Connection connection, Schemas schemas) throws SQLException {
        // the counters' type, as V9 learned and recorded it (a dry run shows V10 before V9 has run)
        UserKeyType keyType = UserKeySchema.learn(connection, schemas);
        List<String> statements = new ArrayList<>();
        statements.add("""
                CREATE TABLE %1$s (
                    user_id        %2$s        NOT NULL,
                    request_id     text        NOT NULL CHECK (request_id ~ '^[!-~]{1,128}$'),
                    -- the UTC day the hold was taken: its settle charges that day, after midnight too
                    quota_date     date        NOT NULL,
                    -- squawk-ignore prefer-bigint-over-int -- at most 10,000 a hold (the SQL API's p_units), as the counters' used_count
                    units          integer     NOT NULL CHECK (units BETWEEN 1 AND 10000),
                    state          text        NOT NULL DEFAULT 'held' CHECK (state IN ('held', 'settled', 'released')),
                    -- squawk-ignore prefer-bigint-over-int -- at most 10,000 (the SQL API's p_units_used)
                    units_used     integer     CHECK (units_used BETWEEN 0 AND 10000),
                    -- squawk-ignore prefer-bigint-over-int -- at most units_used
                    charged_units  integer     CHECK (charged_units >= 0 AND charged_units <= units_used),
                    code           text,
                    created_at     timestamptz NOT NULL DEFAULT now(),
                    expires_at     timestamptz NOT NULL,
                    finished_at    timestamptz,
                    -- a release by support (quota release): who and why, as the audit trail bounds them
                    released_by    text        CHECK (length(released_by) <= 100),
                    release_reason text        CHECK (length(release_reason) <= 500),
                    CONSTRAINT quota_holds_pkey PRIMARY KEY (user_id, request_id)
                )""".formatted(schemas.inToolkit("quota_holds"), keyType.sqlType()));
        // what admission sums: the open holds of a user's day
        statements.add("CREATE INDEX quota_holds_open ON " + schemas.inToolkit("quota_holds") + " (user_id, quota_date) WHERE state = 'held'");
        // what retention deletes: the days past the idempotency window
        statements.add("CREATE INDEX quota_holds_day ON " + schemas.inToolkit("quota_holds") + " (quota_date)");
        statements.addAll(SqlApi.ddl(schemas, keyType, true));
        return statements;
    }
}
