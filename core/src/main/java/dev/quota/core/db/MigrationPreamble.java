package dev.quota.core.db;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;

/**
 * What runs first in each migration's transaction, from its plan ({@link MigrationPlan}):
 * its own statement_timeout, so that a rows-bound rebuild is not cancelled at the 30 s meant
 * for catalog changes; then its locks, taken up front in the order the chat takes them.
 * Taken one by one as the script reaches its tables, V7's locks deadlocked with
 * {@code quota.consume} (the function reads the adjustments, then writes the request ids;
 * the script locked the request ids, then the adjustments: UpgradeUnderTrafficTest). Up front,
 * the migration waits for the chat's open transactions instead, within the lock_timeout.
 * Both end with the transaction ({@code SET LOCAL}, {@code LOCK TABLE}).
 */
final class MigrationPreamble implements Callback {

    private volatile Map<String, MigrationPlan.PlannedMigration> byVersion = Map.of();

    void use(List<MigrationPlan.PlannedMigration> plan) {
        byVersion = plan.stream().collect(Collectors.toUnmodifiableMap(m -> Integer.toString(m.version()), m -> m));
    }

    @Override
    public boolean supports(Event event, Context context) {
        return event == Event.BEFORE_EACH_MIGRATE;
    }

    @Override
    public boolean canHandleInTransaction(Event event, Context context) {
        return true;
    }

    @Override
    public void handle(Event event, Context context) {
        MigrationPlan.PlannedMigration planned = byVersion.get(context.getMigrationInfo().getVersion().getVersion());
        if (planned == null) {
            return;
        }
        try (Statement statement = context.getConnection().createStatement()) {
            for (String sql : planned.preamble()) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw SqlStates.translate(e);
        }
    }

    @Override
    public String getCallbackName() {
        return "statement_timeout and locks of each migration's plan";
    }
}
