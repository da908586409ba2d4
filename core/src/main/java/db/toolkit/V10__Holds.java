package db.toolkit;

import dev.quota.core.db.HoldsSchema;
import dev.quota.core.db.Schemas;
import java.sql.Statement;
import java.util.Map;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Holds: quota reserved for a reply being written, settled or released after it
 * ({@link HoldsSchema}). A Java migration, because its table and functions take the
 * product's user key type, recorded by V9.
 */
public class V10__Holds extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws Exception {
        Map<String, String> placeholders = context.getConfiguration().getPlaceholders();
        Schemas schemas = new Schemas(placeholders.get("product_schema"), placeholders.get("toolkit_schema"));
        try (Statement statement = context.getConnection().createStatement()) {
            for (String sql : HoldsSchema.migration(context.getConnection(), schemas)) {
                statement.execute(sql);
            }
        }
    }
}
