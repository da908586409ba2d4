package dev.quota.reconciler;

import dev.quota.core.AdjustmentKind;
import dev.quota.core.UserKey;
import dev.quota.core.drift.DayLedger;
import dev.quota.core.persistence.KeyRange;
import dev.quota.core.persistence.PlanOfDay;
import dev.quota.core.persistence.UserMessagesOfDays;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.RowMapper;

/** The reconciliation's SQL, kept in resources beside this class, and its row mapping. */
final class DayLedgerQuery {

    private static final String DAY_LEDGERS = resource("day-ledgers.sql");
    private static final String DRIFT_COUNT = resource("drift-count.sql");

    static final String SQL = sql(UserMessagesOfDays.SQL);

    private DayLedgerQuery() {
    }

    /**
     * The day ledgers with the user messages per day counted by {@code userMessagesOfDays}
     * (positional: from, to, then {@code {key_range}}'s four), the rest by the toolkit's rules.
     */
    static String sql(String userMessagesOfDays) {
        return DAY_LEDGERS
                .replace("{user_messages_of_days}", userMessagesOfDays)
                .replace("{key_range}", KeyRange.PREDICATE)
                .replace("{plan_limit_of_day}", PlanOfDay.limitOfEachDay("f.user_id", "f.quota_date"));
    }

    /** The drifts among those ledgers ({@link DayLedger#DRIFTING_SQL}), counted in one query. */
    static String driftCountSql(String userMessagesOfDays) {
        return DRIFT_COUNT.replace("{day_ledgers}", sql(userMessagesOfDays)).replace("{drifting}", DayLedger.DRIFTING_SQL);
    }

    static final RowMapper<DayLedger> MAPPER = DayLedgerQuery::map;

    /** The positional arguments of {@link #SQL} for one day range and key range. */
    static List<Object> arguments(LocalDate from, LocalDate to, KeyRange keys) {
        List<Object> arguments = new ArrayList<>();
        for (int source = 0; source < 3; source++) {
            if (source == 2) {
                arguments.add(AdjustmentKind.usageChangingCodes());
            }
            arguments.add(from);
            arguments.add(to);
            arguments.addAll(keys.arguments());
        }
        return arguments;
    }

    private static DayLedger map(ResultSet rs, int row) throws SQLException {
        return new DayLedger(UserKey.fromSql(rs.getObject("user_id")), rs.getObject("quota_date", LocalDate.class), rs.getObject("used_count", Integer.class),
                rs.getInt("messages"), rs.getInt("usage_delta"), rs.getInt("granted"), rs.getBoolean("user_exists"),
                rs.getObject("plan_limit", Integer.class), rs.getInt("expected"), rs.getObject("effective_limit", Integer.class));
    }

    private static String resource(String name) {
        try (InputStream in = DayLedgerQuery.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the reconciler's resources");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
