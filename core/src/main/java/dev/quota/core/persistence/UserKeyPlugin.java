package dev.quota.core.persistence;

import dev.quota.core.UserKey;
import java.sql.Types;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.argument.AbstractArgumentFactory;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.config.ConfigRegistry;
import org.jdbi.v3.core.spi.JdbiPlugin;

/**
 * Teaches Jdbi the product's user keys: a {@link UserKey} binds as its own SQL value, a
 * {@link KeyArray} as an array of the key's type, and a key column maps to a {@code UserKey}
 * whatever its type (so that every row type takes {@code UserKey user_id}).
 */
public final class UserKeyPlugin extends JdbiPlugin.Singleton {

    @Override
    public void customizeJdbi(Jdbi jdbi) {
        jdbi.registerArgument(new AbstractArgumentFactory<UserKey>(Types.OTHER) {
            @Override
            protected Argument build(UserKey key, ConfigRegistry config) {
                return (position, statement, context) -> statement.setObject(position, key.sqlValue());
            }
        });
        jdbi.registerArgument(new AbstractArgumentFactory<KeyArray>(Types.ARRAY) {
            @Override
            protected Argument build(KeyArray keys, ConfigRegistry config) {
                return (position, statement, context) -> statement.setArray(position, keys.toSql(statement.getConnection()));
            }
        });
        jdbi.registerColumnMapper(UserKey.class, (rows, column, context) -> UserKey.fromSql(rows.getObject(column)));
    }
}
