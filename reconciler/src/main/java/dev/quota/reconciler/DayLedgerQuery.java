package dev.quota.reconciler;

import dev.quota.core.AdjustmentKind;
import dev.quota.core.UserKey;
import dev.quota.core.UserKeyType;
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
    private static final String MESSAGES_LEG = resource("messages-leg.sql");
    private static final String DRIFT_COUNT = resource("drift-count.sql");
    /** The ledger of a user-day with {@code :messages} user messages and neither counter nor adjustment (named parameters). */
    static final String WITHOUT_COUNTER = resource("user-day-without-counter.sql")
            .replace("{plan_limit_of_day}", PlanOfDay.limitOfEachDay(":user", "CAST(:day AS date)"));

    private DayLedgerQuery() {
    }

    /**
     * The one query's day ledgers, in {@link LedgerKeyOrder}: the merged scan's order too, so
     * that a run restarted by position may be resumed by either scan.
     */
    static String oneQuery(UserKeyType keyType) {
        return ledgers(messagesLeg(UserMessagesOfDays.SQL), LedgerKeyOrder.sql(keyType, "d.user_id"));
    }

    /**
     * The day ledgers with the user messages per day counted by {@code userMessagesOfDays}
     * (positional: from, to, then {@code {key_range}}'s four), the rest by the toolkit's rules,
     * in the database's own key order: for a count, or a plan, where the order does not matter.
     */
    static String sql(String userMessagesOfDays) {
        return ledgers(messagesLeg(userMessagesOfDays), "d.user_id");
    }

    private static String messagesLeg(String userMessagesOfDays) {
        return MESSAGES_LEG.replace("{user_messages_of_days}", userMessagesOfDays);
    }

    /**
     * The merged scan's two statements, in {@link LedgerKeyOrder}: the user messages per
     * user-day ({@link UserMessagesOfDays}, its positional parameters), and the ledgers of the
     * counters and adjustments with no messages counted ({@link #countersArguments}).
     */
    static String messagesInKeyOrder(UserKeyType keyType) {
        return UserMessagesOfDays.SQL + "\n ORDER BY " + LedgerKeyOrder.sql(keyType, "user_id") + ", 2";
    }

    static String countersInKeyOrder(UserKeyType keyType) {
        return ledgers("", LedgerKeyOrder.sql(keyType, "d.user_id"));
    }

    private static String ledgers(String messagesLeg, String keyOrder) {
        return DAY_LEDGERS
                .replace("{messages_leg}", messagesLeg)
                .replace("{key_order}", keyOrder)
                .replace("{key_range}", KeyRange.PREDICATE)
                .replace("{plan_limit_of_day}", PlanOfDay.limitOfEachDay("f.user_id", "f.quota_date"));
    }

    static DayLedger withoutCounter(UserKey user, LocalDate day, ResultSet rs) throws SQLException {
        return new DayLedger(user, day, null, rs.getInt("messages"), rs.getInt("usage_delta"), rs.getInt("granted"),
                rs.getBoolean("user_exists"), rs.getObject("plan_limit", Integer.class), rs.getInt("expected"),
                rs.getObject("effective_limit", Integer.class));
    }

    /** The drifts among those ledgers ({@link DayLedger#DRIFTING_SQL}), counted in one query. */
    static String driftCountSql(String userMessagesOfDays) {
        return DRIFT_COUNT.replace("{day_ledgers}", sql(userMessagesOfDays)).replace("{drifting}", DayLedger.DRIFTING_SQL);
    }

    static final RowMapper<DayLedger> MAPPER = DayLedgerQuery::map;

    /** The positional arguments of {@link #oneQuery} for one day range and key range: the messages', then the counters'. */
    static List<Object> arguments(LocalDate from, LocalDate to, KeyRange keys) {
        List<Object> arguments = rangeArguments(from, to, keys);
        arguments.addAll(countersArguments(from, to, keys));
        return arguments;
    }

    /**
     * What each source of the ledgers is bound with: the day range, then the key range's four.
     * The positional arguments of {@link #messagesInKeyOrder}.
     */
    static List<Object> rangeArguments(LocalDate from, LocalDate to, KeyRange keys) {
        List<Object> arguments = new ArrayList<>(List.of(from, to));
        arguments.addAll(keys.arguments());
        return arguments;
    }

    /** The positional arguments of {@link #countersInKeyOrder}: the counters', the adjustment kinds, the adjustments'. */
    static List<Object> countersArguments(LocalDate from, LocalDate to, KeyRange keys) {
        List<Object> arguments = rangeArguments(from, to, keys);
        arguments.add(AdjustmentKind.usageChangingCodes());
        arguments.addAll(rangeArguments(from, to, keys));
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
