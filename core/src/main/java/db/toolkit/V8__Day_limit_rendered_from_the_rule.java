package db.toolkit;

import dev.quota.core.db.Schemas;
import dev.quota.core.persistence.DayLimitFunction;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * The plan of a day stops being a SQL function that reads tables (V5's {@code plan_of_day},
 * which Citus cannot plan): {@code quota.day_limit} is rendered from the rule's one home,
 * {@code PlanOfDay}, as PL/pgSQL ({@link DayLimitFunction}); every Java statement embeds the
 * same rule. A Java migration, so that the function is the rule the jar holds.
 */
public class V8__Day_limit_rendered_from_the_rule extends BaseJavaMigration {

    /**
     * The statements it runs, for {@code quota db migrate --dry-run}. V5's plan_of_day is left
     * in place: a call that began under the previous day_limit still calls it after this
     * commits (UpgradeUnderTrafficTest saw "cache lookup failed for function"); V9 drops it.
     */
    public static List<String> statements(Schemas schemas) {
        return List.of(DayLimitFunction.ddl(schemas));
    }

    @Override
    public void migrate(Context context) throws Exception {
        Map<String, String> placeholders = context.getConfiguration().getPlaceholders();
        Schemas schemas = new Schemas(placeholders.get("product_schema"), placeholders.get("toolkit_schema"));
        try (Statement statement = context.getConnection().createStatement()) {
            for (String sql : statements(schemas)) {
                statement.execute(sql);
            }
        }
    }
}
