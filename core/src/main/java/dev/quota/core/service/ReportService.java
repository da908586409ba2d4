package dev.quota.core.service;

import dev.quota.core.QuotaDay;
import dev.quota.core.QuotaException;
import dev.quota.core.QuotaStatus;
import dev.quota.core.UserKey;
import dev.quota.core.UserRef;
import dev.quota.core.db.SqlStates;
import dev.quota.core.persistence.AdjustmentDao;
import dev.quota.core.persistence.AdjustmentRow;
import dev.quota.core.persistence.DayUsage;
import dev.quota.core.persistence.ReportDao;
import dev.quota.core.persistence.TopUser;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import org.jdbi.v3.core.Jdbi;

/** What support and ops read: a user's day, their recent days and trail, a day's heaviest users. Writes nothing. */
public final class ReportService {

    private final Jdbi jdbi;
    private final QuotaContextResolver contexts;

    public ReportService(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.contexts = new QuotaContextResolver(clock);
    }

    /** Today's quota (UTC) of a user given by id or email. */
    public QuotaStatus status(String userRef) {
        return status(userRef, contexts.today());
    }

    public QuotaStatus status(String userRef, QuotaDay day) {
        UserRef ref = UserRef.parse(userRef);
        Objects.requireNonNull(day, "day");
        return SqlStates.translated(() -> jdbi.withHandle(handle -> contexts.status(handle, ref, day)));
    }

    /**
     * The key of a user given by id or email, who must exist ({@code user_not_found}
     * otherwise): read once by a command that then reads several things of that user.
     */
    public UserKey user(String userRef, QuotaDay day) {
        UserRef ref = UserRef.parse(userRef);
        return SqlStates.translated(() -> jdbi.withHandle(handle -> contexts.context(handle, ref, day).userId()));
    }

    /** The audit trail of a user already resolved ({@link #user} or a status read), between two days inclusive: one query. */
    public List<AdjustmentRow> adjustments(UserKey user, QuotaDay from, QuotaDay to) {
        return SqlStates.translated(() -> jdbi.withHandle(handle -> handle.attach(AdjustmentDao.class).forUser(user, from.date(), to.date())));
    }

    /** A user's days from {@code from} to {@code to}, newest first: counter, messages and grants; the user already resolved. */
    public List<DayUsage> history(UserKey user, QuotaDay from, QuotaDay to) {
        if (from.compareTo(to) > 0) {
            throw QuotaException.invalidInput("history range starts after it ends: " + from + " > " + to);
        }
        return SqlStates.translated(() -> jdbi.withHandle(handle -> handle.attach(ReportDao.class).history(user, from.date(), to.date())));
    }

    /** The users with the highest counters of a day; only those at or above their limit with {@code exhaustedOnly}. */
    public List<TopUser> top(QuotaDay day, boolean exhaustedOnly, int limit) {
        if (limit < 1 || limit > 10_000) {
            throw QuotaException.invalidInput("limit must be between 1 and 10000, got " + limit);
        }
        return SqlStates.translated(() -> jdbi.withExtension(ReportDao.class,
                dao -> dao.top(day.date(), contexts.isFinished(day), exhaustedOnly, limit)));
    }
}
