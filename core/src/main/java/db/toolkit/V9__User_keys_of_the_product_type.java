package db.toolkit;

import dev.quota.core.db.RenderedMigration;
import dev.quota.core.db.Schemas;
import dev.quota.core.db.UserKeySchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The toolkit keys users as the product does: integers, {@code uuid} or text
 * ({@link UserKeySchema}). A Java migration, because what it runs depends on the product's
 * counter table, read when it runs.
 */
public class V9__User_keys_of_the_product_type extends RenderedMigration {

    @Override
    public List<String> statements(Connection connection, Schemas schemas) throws SQLException {
        return UserKeySchema.migration(connection, schemas);
    }
}
