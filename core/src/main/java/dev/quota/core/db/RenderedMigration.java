package dev.quota.core.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * A toolkit migration written in Java because what it runs is rendered when it runs (from
 * the jar's rules, or the product's key type): it runs its {@link #statements} in order, and
 * {@code db migrate --dry-run} prints the same statements, whatever the migration.
 */
public abstract class RenderedMigration extends BaseJavaMigration {

    /** The statements it runs on the database behind {@code connection}, in order. */
    public abstract List<String> statements(Connection connection, Schemas schemas) throws SQLException;

    @Override
    public final void migrate(Context context) throws Exception {
        Map<String, String> placeholders = context.getConfiguration().getPlaceholders();
        Schemas schemas = new Schemas(placeholders.get("product_schema"), placeholders.get("toolkit_schema"));
        try (Statement statement = context.getConnection().createStatement()) {
            for (String sql : statements(context.getConnection(), schemas)) {
                statement.execute(sql);
            }
        }
    }
}
