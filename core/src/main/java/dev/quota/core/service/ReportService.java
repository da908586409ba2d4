package dev.quota.core.service;

import dev.quota.core.QuotaDay;
import dev.quota.core.QuotaException;
import dev.quota.core.QuotaStatus;
import dev.quota.core.UserKey;
import dev.quota.core.UserRef;
import dev.quota.core.db.ConnectionSource;
import dev.quota.core.db.SqlStates;
import dev.quota.core.persistence.AdjustmentDao;
import dev.quota.core.persistence.AdjustmentRow;
import dev.quota.core.persistence.DayUsage;
import dev.quota.core.persistence.HoldDao;
import dev.quota.core.persistence.HoldRow;
import dev.quota.core.persistence.ReportDao;
import dev.quota.core.persistence.TopUser;
import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What support and ops read: a user's day, their recent days, trail and holds, a day's
 * heaviest users. Writes nothing. Its statements run as plain JDBC on its source's
 * connections: a one-shot support command reads without configuring Jdbi.
 */
public final class ReportService {

    /** A user's holds of one day, and what they hold now. */
    public record Holds(UserKey userId, QuotaDay day, List<HoldRow> rows) {

        /** Units held now: the open, unexpired holds, which count against the limit. */
        public int held() {
            return rows.stream().filter(HoldRow::counting).mapToInt(HoldRow::units).sum();
        }

        /** When the first of the counting holds expires, if any counts. */
        public Optional<Instant> oldestExpiry() {
            return rows.stream().filter(HoldRow::counting).map(HoldRow::expiresAt).min(Comparator.naturalOrder());
        }
    }

    private final ConnectionSource connections;
    private final QuotaContextResolver contexts;

    public ReportService(ConnectionSource connections, Clock clock) {
        this.connections = connections;
        this.contexts = new QuotaContextResolver(clock);
    }

    /** Today's quota (UTC) of a user given by id or email. */
    public QuotaStatus status(String userRef) {
        return status(userRef, contexts.today());
    }

    public QuotaStatus status(String userRef, QuotaDay day) {
        UserRef ref = UserRef.parse(userRef);
        Objects.requireNonNull(day, "day");
        return SqlStates.translated(() -> connections.withConnection(connection -> contexts.status(connection, ref, day)));
    }

    /**
     * The key of a user given by id or email, who must exist ({@code user_not_found}
     * otherwise): read once by a command that then reads several things of that user.
     */
    public UserKey user(String userRef, QuotaDay day) {
        UserRef ref = UserRef.parse(userRef);
        return SqlStates.translated(() -> connections.withConnection(connection -> contexts.context(connection, ref, day).userId()));
    }

    /** The audit trail of a user already resolved ({@link #user} or a status read), between two days inclusive: one query. */
    public List<AdjustmentRow> adjustments(UserKey user, QuotaDay from, QuotaDay to) {
        return SqlStates.translated(() -> connections.withConnection(connection -> AdjustmentDao.forUser(connection, user, from.date(), to.date())));
    }

    /** A user's days from {@code from} to {@code to}, newest first: counter, messages and grants; the user already resolved. */
    public List<DayUsage> history(UserKey user, QuotaDay from, QuotaDay to) {
        if (from.compareTo(to) > 0) {
            throw QuotaException.invalidInput("history range starts after it ends: " + from + " > " + to);
        }
        return SqlStates.translated(() -> connections.withConnection(connection -> ReportDao.history(connection, user, from.date(), to.date())));
    }

    /** The users with the highest counters of a day; only those at or above their limit with {@code exhaustedOnly}. */
    public List<TopUser> top(QuotaDay day, boolean exhaustedOnly, int limit) {
        if (limit < 1 || limit > 10_000) {
            throw QuotaException.invalidInput("limit must be between 1 and 10000, got " + limit);
        }
        return SqlStates.translated(() -> connections.withConnection(connection ->
                ReportDao.top(connection, day.date(), contexts.isFinished(day), exhaustedOnly, limit)));
    }

    /** The holds of a user given by id or email, on {@code day}. */
    public Holds holds(String userRef, QuotaDay day) {
        UserRef ref = UserRef.parse(userRef);
        return SqlStates.translated(() -> connections.withConnection(connection ->
                holds(connection, contexts.context(connection, ref, day).userId(), day)));
    }

    /** The holds of a user already resolved (by {@code show}'s status read): one query. */
    public Holds holds(UserKey user, QuotaDay day) {
        return SqlStates.translated(() -> connections.withConnection(connection -> holds(connection, user, day)));
    }

    /** The holds support released by hand on the days from {@code from} to {@code to}, in the order they were released. */
    public List<HoldRow> releasedByHand(UserKey user, QuotaDay from, QuotaDay to) {
        return SqlStates.translated(() -> connections.withConnection(connection ->
                HoldDao.releasedByHand(connection, user, from.date(), to.date())));
    }

    private static Holds holds(Connection connection, UserKey user, QuotaDay day) {
        return new Holds(user, day, HoldDao.forDay(connection, user, day.date()));
    }
}
