package dev.quota.core.persistence;

import dev.quota.core.UserKey;
import dev.quota.core.UserKeyType;
import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * User keys bound as one SQL array of their own type ({@code bigint[]}, {@code uuid[]},
 * {@code text[]}): what the batch statements unnest, so that none of them names the type.
 */
public record KeyArray(UserKeyType type, Object[] values) {

    public static KeyArray of(List<UserKey> keys) {
        UserKeyType type = keys.isEmpty() ? UserKeyType.WHOLE_NUMBER : keys.get(0).type();
        return new KeyArray(type, keys.stream().map(UserKey::sqlValue).toArray());
    }

    /** The array for {@code connection}. */
    public Array toSql(Connection connection) throws SQLException {
        return connection.createArrayOf(type.sqlType(), values);
    }
}
