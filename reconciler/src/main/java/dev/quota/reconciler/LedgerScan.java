package dev.quota.reconciler;

import dev.quota.core.QuotaException;
import dev.quota.core.db.CitusDistribution;
import dev.quota.core.db.SqlStates;
import dev.quota.core.persistence.KeyRange;
import dev.quota.core.persistence.UserMessagesOfDays;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * How a partition's day ledgers are read. {@link #ONE_QUERY} joins the user messages to the
 * counters and adjustments in the database, in one statement; it needs the messages where
 * the counters are (one server, or Citus with the messages co-located by user).
 * {@link #MERGED} reads the messages per user-day and the counters' ledgers as two sorted
 * statements and merges them in the job, in key order, so that neither statement joins
 * across Citus co-location groups (messages distributed by conversation). {@link #AUTO}
 * picks from the layout.
 */
public enum LedgerScan {
    AUTO, ONE_QUERY, MERGED;

    public String code() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * The scan that serves this database: {@link #ONE_QUERY} on plain PostgreSQL; on a Citus
     * coordinator, the planner is asked for the one query's plan (EXPLAIN: nothing runs), and
     * {@link #MERGED} when it refuses it as a join across co-location groups.
     */
    public static LedgerScan servingHere(Handle handle) {
        if (!CitusDistribution.isCoordinator(handle)) {
            return ONE_QUERY;
        }
        Query explain = handle.createQuery("EXPLAIN (COSTS OFF) " + DayLedgerQuery.sql(UserMessagesOfDays.SQL));
        List<Object> arguments = DayLedgerQuery.arguments(LocalDate.EPOCH, LocalDate.EPOCH, KeyRange.ALL);
        for (int i = 0; i < arguments.size(); i++) {
            explain.bind(i, arguments.get(i));
        }
        try {
            explain.mapTo(String.class).list();
            return ONE_QUERY;
        } catch (UnableToExecuteStatementException refused) {
            if (SqlStates.sqlState(refused).filter(SqlStates.FEATURE_NOT_SUPPORTED::equals).isPresent()) {
                return MERGED;
            }
            throw refused;
        }
    }

    public static LedgerScan fromCode(String code) {
        return Arrays.stream(values()).filter(scan -> scan.code().equals(code)).findFirst()
                .orElseThrow(() -> QuotaException.invalidInput("the scan is one of "
                        + Arrays.stream(values()).map(LedgerScan::code).collect(Collectors.joining(", ")) + ", not " + code));
    }
}
