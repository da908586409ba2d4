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

    /** The keys of a batch, which has at least one: an empty array would have no type to give. */
    public static KeyArray of(List<UserKey> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("a batch statement was given no user keys");
        }
        return new KeyArray(keys.get(0).type(), keys.stream().map(UserKey::sqlValue).toArray());
    }

    /** The array for {@code connection}. */
    public Array toSql(Connection connection) throws SQLException {
        return connection.createArrayOf(type.sqlType(), values);
    }
}
