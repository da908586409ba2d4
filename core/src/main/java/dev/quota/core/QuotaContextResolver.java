package dev.quota.core;

import dev.quota.core.persistence.QuotaContext;
import dev.quota.core.persistence.QuotaContextDao;
import java.time.Clock;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * Resolves a user reference to the facts of one quota day, by the one rule every use case
 * shares: today and later days take the active plan, a finished day the plan that covered
 * it ({@code PlanOfDay}).
 */
public final class QuotaContextResolver {

    private final Clock clock;

    public QuotaContextResolver(Clock clock) {
        this.clock = clock;
    }

    public QuotaDay today() {
        return QuotaDay.today(clock);
    }

    public boolean isFinished(QuotaDay day) {
        return day.compareTo(today()) < 0;
    }

    /** The user's id: as given, or looked up by email ({@code user_not_found} when there is none). */
    public long userId(Handle handle, UserRef ref) {
        return ref.knownId().or(() -> handle.attach(QuotaContextDao.class).userIdByEmail(((UserRef.ByEmail) ref).email()))
                .orElseThrow(() -> QuotaException.userNotFound(ref));
    }

    /** The user's facts on {@code day}, with or without a plan. */
    public QuotaContext context(Handle handle, UserRef ref, QuotaDay day) {
        QuotaContextDao dao = handle.attach(QuotaContextDao.class);
        long userId = userId(handle, ref);
        return (isFinished(day) ? dao.finishedDayContext(userId, day.date()) : dao.context(userId, day.date()))
                .orElseThrow(() -> QuotaException.userNotFound(ref));
    }

    /** The user's facts on a day they had a plan, else {@code no_active_subscription}. */
    public QuotaContext subscribed(Handle handle, UserRef ref, QuotaDay day) {
        QuotaContext context = context(handle, ref, day);
        if (!context.subscribed() && isFinished(day)) {
            throw new QuotaException(ErrorCode.NO_ACTIVE_SUBSCRIPTION,
                    "user " + ref + " had no subscription on " + day + ", so no daily message limit that day",
                    Map.of("user_id", context.userId(), "date", day.toString()));
        }
        return context.requireSubscribed(ref);
    }

    /** The user's quota on {@code day}. */
    public QuotaStatus status(Handle handle, UserRef ref, QuotaDay day) {
        return subscribed(handle, ref, day).status(day);
    }
}
