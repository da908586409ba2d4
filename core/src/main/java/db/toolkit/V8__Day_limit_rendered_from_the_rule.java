package db.toolkit;

import dev.quota.core.db.RenderedMigration;
import dev.quota.core.db.Schemas;
import dev.quota.core.db.DayLimitFunction;
import java.sql.Connection;
import java.util.List;

/**
 * The plan of a day stops being a SQL function that reads tables (V5's {@code plan_of_day},
 * which Citus cannot plan): {@code quota.day_limit} is rendered from the rule's one home,
 * {@code PlanOfDay}, as PL/pgSQL ({@link DayLimitFunction}); every Java statement embeds the
 * same rule. A Java migration, so that the function is the rule the jar holds. V5's
 * plan_of_day is left in place: a call that began under the previous day_limit still calls
 * it after this commits (UpgradeUnderTrafficTest saw "cache lookup failed for function");
 * V9 drops it.
 */
public class V8__Day_limit_rendered_from_the_rule extends RenderedMigration {

    @Override
    public List<String> statements(Connection connection, Schemas schemas) {
        return List.of(DayLimitFunction.ddl(schemas));
    }
}
