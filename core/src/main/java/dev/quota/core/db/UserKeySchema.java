package dev.quota.core.db;

import dev.quota.core.ErrorCode;
import dev.quota.core.QuotaException;
import dev.quota.core.UserKeyType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The toolkit keys its own per-user rows, and the SQL API takes users, by the product's key
 * type: learned from the product's counter table ({@code user_daily_quota_usages.user_id}),
 * recorded in {@code settings.user_key_type}, and given to the keyed tables and functions by
 * {@code quota db migrate} (the V9 migration). A product keyed by whole numbers keeps the
 * {@code bigint} columns it always had; a {@code uuid} or text product gets its own type
 * on tables that cannot hold rows yet, since nothing could be written there before.
 */
public final class UserKeySchema {

    /** The tables V9 found keyed by bigint and retypes on a uuid or text product. */
    private static final List<String> RETYPED_BY_V9 = List.of("quota_adjustments", "consumed_requests", "quota_reconciliation_drifts");

    /**
     * The toolkit's tables with a {@code user_id} column, which {@code db check} holds to the
     * product's key type: V9's, and the ones created later already keyed by it (V10's holds).
     */
    public static final List<String> KEYED_TABLES = List.of("quota_adjustments", "consumed_requests", "quota_reconciliation_drifts",
            "quota_holds");

    private UserKeySchema() {
    }

    /**
     * The product's key type, from its counter table's {@code user_id}; whole numbers when the
     * table is not there yet or its type is not a key type ({@code quota db check} says which).
     */
    public static UserKeyType learn(Connection connection, Schemas schemas) throws SQLException {
        return declaredType(connection, schemas.inProduct(ReadContract.COUNTERS)).flatMap(UserKeyType::ofDeclared)
                .orElse(UserKeyType.WHOLE_NUMBER);
    }

    /**
     * What V9 runs: the setting, and for a key type other than whole numbers, the keyed tables'
     * columns (the view over one of them recreated) and the SQL API's signatures. Fails,
     * changing nothing, when a keyed table already holds rows of another key type.
     */
    public static List<String> migration(Connection connection, Schemas schemas) throws SQLException {
        UserKeyType keyType = learn(connection, schemas);
        List<String> statements = new ArrayList<>();
        statements.add("ALTER TABLE " + schemas.inToolkit("settings") + " ADD COLUMN IF NOT EXISTS user_key_type text NOT NULL "
                + "DEFAULT 'bigint' CHECK (user_key_type IN ('bigint', 'uuid', 'text'))");
        statements.add("UPDATE " + schemas.inToolkit("settings") + " SET user_key_type = '" + keyType.sqlType() + "', updated_at = now()");
        if (keyType != UserKeyType.WHOLE_NUMBER) {
            requireEmpty(connection, schemas, keyType);
            statements.add("DROP VIEW " + schemas.inToolkit("day_grants"));
            for (String table : RETYPED_BY_V9) {
                statements.add("-- squawk-ignore changing-column-type -- the table is empty (checked above): nothing is rewritten, nobody waits\n"
                        + "ALTER TABLE " + schemas.inToolkit(table) + " ALTER COLUMN user_id TYPE " + keyType.sqlType()
                        + " USING CAST(CAST(user_id AS text) AS " + keyType.sqlType() + ")");
            }
            statements.add(dayGrantsView(schemas));
        }
        statements.addAll(SqlApi.ddl(schemas, keyType, false));
        // V5's plan_of_day, which V8's day_limit replaced: dropped one migration later, so that no
        // call that began under the old day_limit is still running to find it gone
        statements.add("DROP FUNCTION IF EXISTS " + schemas.inToolkit("plan_of_day") + "(bigint, date, boolean)");
        return statements;
    }

    /** The units granted to a user for a day (V1's view), over the keyed audit trail. */
    private static String dayGrantsView(Schemas schemas) {
        return "CREATE VIEW " + schemas.inToolkit("day_grants") + " AS\n"
                + "SELECT user_id, quota_date, CAST(sum(applied_delta) AS integer) AS granted\n"
                + "  FROM " + schemas.inToolkit("quota_adjustments") + "\n"
                + " WHERE kind = 'grant'\n"
                + " GROUP BY user_id, quota_date";
    }

    private static void requireEmpty(Connection connection, Schemas schemas, UserKeyType keyType) throws SQLException {
        for (String table : RETYPED_BY_V9) {
            Optional<String> declared = declaredType(connection, schemas.inToolkit(table));
            if (declared.isEmpty() || declared.get().equals(keyType.sqlType())) {
                continue;
            }
            try (PreparedStatement statement = connection.prepareStatement("SELECT EXISTS (SELECT 1 FROM " + schemas.inToolkit(table) + ")");
                 ResultSet rows = statement.executeQuery()) {
                rows.next();
                if (rows.getBoolean(1)) {
                    throw new QuotaException(ErrorCode.SCHEMA_MISMATCH, schemas.inToolkit(table) + " holds rows keyed by "
                            + declared.get() + " but the product keys its users by " + keyType.sqlType()
                            + "; the toolkit cannot rekey them: see docs/read-contract.md#user-keys", Map.of("table", table));
                }
            }
        }
    }

    /** The declared type of {@code relation}'s {@code user_id}, when both exist. */
    private static Optional<String> declaredType(Connection connection, String relation) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("""
                SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
                 WHERE a.attrelid = to_regclass(?) AND a.attname = 'user_id' AND NOT a.attisdropped""")) {
            statement.setString(1, relation);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
            }
        }
    }
}
