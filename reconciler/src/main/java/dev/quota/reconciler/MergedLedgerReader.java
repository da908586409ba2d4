package dev.quota.reconciler;

import dev.quota.core.UserKey;
import dev.quota.core.UserKeyType;
import dev.quota.core.drift.DayLedger;
import dev.quota.core.persistence.KeyRange;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.batch.infrastructure.item.support.AbstractItemCountingItemStreamItemReader;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * A partition's day ledgers as two statements merged in key order ({@link LedgerScan#MERGED}):
 * the user messages per user-day, and the ledgers of the counters and adjustments. Neither
 * joins the other, so each runs within one Citus co-location group when the product
 * distributes its messages by another key than its counters (by conversation). Both read one
 * snapshot (REPEATABLE READ), as the one query does, and stream (a fetch of each in memory).
 * A user-day found on one side only is a ledger with no messages (counters only) or a
 * missing counter (messages only), whose user facts are then read by its key. A restart
 * resumes by position, as the cursor reader does: the order is total and the same each time.
 * Not final: the step scope proxies it.
 */
class MergedLedgerReader extends AbstractItemCountingItemStreamItemReader<DayLedger> {

    private static final int FETCH_SIZE = 2000;
    private static final Comparator<UserKey> KEYS = LedgerKeyOrder.KEYS;

    private final DataSource dataSource;
    private final UserKeyType keyType;
    private final LocalDate from;
    private final LocalDate to;
    private final KeyRange keys;

    private Connection connection;
    private NamedParameterJdbcTemplate byKey;
    private final List<AutoCloseable> open = new ArrayList<>();
    private ResultSet messages;
    private ResultSet counters;
    private MessagesOfDay nextMessages;
    private DayLedger nextLedger;

    private record MessagesOfDay(UserKey user, LocalDate day, int count) {
    }

    MergedLedgerReader(DataSource dataSource, UserKeyType keyType, LocalDate from, LocalDate to, KeyRange keys) {
        this.dataSource = dataSource;
        this.keyType = keyType;
        this.from = from;
        this.to = to;
        this.keys = keys;
    }

    @Override
    protected void doOpen() throws Exception {
        connection = dataSource.getConnection();
        try {
            connection.setAutoCommit(false);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            JobStatements.liftTimeout(connection);
            messages = stream(DayLedgerQuery.messagesInKeyOrder(keyType), DayLedgerQuery.rangeArguments(from, to, keys));
            counters = stream(DayLedgerQuery.countersInKeyOrder(keyType), DayLedgerQuery.countersArguments(from, to, keys));
            byKey = new NamedParameterJdbcTemplate(new SingleConnectionDataSource(connection, true));
            nextMessages = readMessages();
            nextLedger = readLedger();
        } catch (SQLException | RuntimeException e) {
            doClose();
            throw e;
        }
    }

    private ResultSet stream(String sql, List<Object> arguments) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        open.add(statement);
        statement.setFetchSize(FETCH_SIZE);
        for (int i = 0; i < arguments.size(); i++) {
            statement.setObject(i + 1, arguments.get(i));
        }
        ResultSet rows = statement.executeQuery();
        open.add(rows);
        return rows;
    }

    @Override
    protected DayLedger doRead() throws SQLException {
        if (nextMessages == null && nextLedger == null) {
            return null;
        }
        int order = nextMessages == null ? 1 : nextLedger == null ? -1 : compare(nextMessages, nextLedger);
        DayLedger read;
        if (order < 0) {
            read = withoutCounter(nextMessages);
            nextMessages = readMessages();
        } else if (order > 0) {
            read = nextLedger;
            nextLedger = readLedger();
        } else {
            read = nextLedger.withMessages(nextMessages.count());
            nextMessages = readMessages();
            nextLedger = readLedger();
        }
        return read;
    }

    private static int compare(MessagesOfDay messages, DayLedger ledger) {
        int byUser = KEYS.compare(messages.user(), ledger.userId());
        return byUser != 0 ? byUser : messages.day().compareTo(ledger.quotaDate());
    }

    private MessagesOfDay readMessages() throws SQLException {
        return messages.next()
                ? new MessagesOfDay(UserKey.fromSql(messages.getObject("user_id")), messages.getObject("quota_date", LocalDate.class),
                        messages.getInt("messages"))
                : null;
    }

    private DayLedger readLedger() throws SQLException {
        return counters.next() ? DayLedgerQuery.MAPPER.mapRow(counters, counters.getRow()) : null;
    }

    private DayLedger withoutCounter(MessagesOfDay found) {
        Map<String, Object> arguments = Map.of("user", found.user().sqlValue(), "day", found.day(), "messages", found.count());
        return byKey.queryForObject(DayLedgerQuery.WITHOUT_COUNTER, arguments,
                (rs, row) -> DayLedgerQuery.withoutCounter(found.user(), found.day(), rs));
    }

    /** Closes what is open even when the connection broke (a standby's recovery conflict): the pool gets it back either way. */
    @Override
    protected void doClose() throws Exception {
        try {
            for (int i = open.size() - 1; i >= 0; i--) {
                try {
                    open.get(i).close();
                } catch (SQLException closingOnABrokenConnection) {
                    // the connection's end below is what matters
                }
            }
            open.clear();
            if (connection != null && !connection.isClosed()) {
                try {
                    connection.rollback(); // a read: nothing to keep
                } catch (SQLException broken) {
                    // Hikari evicts a broken connection when it comes back
                }
            }
        } finally {
            if (connection != null) {
                connection.close();
                connection = null;
            }
        }
    }
}
