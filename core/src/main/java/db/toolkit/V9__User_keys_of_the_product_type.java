package db.toolkit;

import dev.quota.core.db.Schemas;
import dev.quota.core.db.UserKeySchema;
import java.sql.Statement;
import java.util.Map;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * The toolkit keys users as the product does: integers, {@code uuid} or text
 * ({@link UserKeySchema}). A Java migration, because what it runs depends on the product's
 * counter table, read when it runs.
 */
public class V9__User_keys_of_the_product_type extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws Exception {
        Map<String, String> placeholders = context.getConfiguration().getPlaceholders();
        Schemas schemas = new Schemas(placeholders.get("product_schema"), placeholders.get("toolkit_schema"));
        try (Statement statement = context.getConnection().createStatement()) {
            for (String sql : UserKeySchema.migration(context.getConnection(), schemas)) {
                statement.execute(sql);
            }
        }
    }
}
