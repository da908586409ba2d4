package db.toolkit;

import dev.quota.core.db.HoldsSchema;
import dev.quota.core.db.RenderedMigration;
import dev.quota.core.db.Schemas;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Holds: quota reserved for a reply being written, settled or released after it
 * ({@link HoldsSchema}). A Java migration, because its table and functions take the
 * product's user key type.
 */
public class V10__Holds extends RenderedMigration {

    @Override
    public List<String> statements(Connection connection, Schemas schemas) throws SQLException {
        return HoldsSchema.migration(connection, schemas);
    }
}
