package dev.quota.core.service;

import dev.quota.core.ErrorCode;
import dev.quota.core.QuotaDay;
import dev.quota.core.QuotaException;
import dev.quota.core.QuotaStatus;
import dev.quota.core.UserKey;
import dev.quota.core.UserKeyType;
import dev.quota.core.UserRef;
import dev.quota.core.db.DeploymentSettings;
import dev.quota.core.persistence.QuotaContext;
import dev.quota.core.persistence.QuotaContextReads;
import java.sql.Connection;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * Resolves a user reference to the facts of one quota day, by the one rule every use case
 * shares: today and later days take the active plan, a finished day the plan that covered
 * it ({@code PlanOfDay}). Its reads run on the connection it is given ({@link QuotaContextReads}):
 * a use case's handle's, inside its transaction, or a one-shot read's own, without Jdbi.
 */
public final class QuotaContextResolver {

    private final Clock clock;
    // a deployment's key type is fixed when the toolkit is installed: learned once, then parsing needs no round trip
    private volatile UserKeyType keyType;

    public QuotaContextResolver(Clock clock) {
        this.clock = clock;
    }

    /** The product's key type, as {@code quota db migrate} recorded it. */
    public UserKeyType keyType(Connection connection) {
        UserKeyType known = keyType;
        if (known == null) {
            known = DeploymentSettings.read(connection).userKeyType();
            keyType = known;
        }
        return known;
    }

    /** The key of a user given by key, once the key type is known: no round trip. */
    public Optional<UserKey> keyIfKnown(UserRef ref) {
        UserKeyType known = keyType;
        return known != null && ref instanceof UserRef.ByKey byKey ? Optional.of(known.parse(byKey.text())) : Optional.empty();
    }

    public QuotaDay today() {
        return QuotaDay.today(clock);
    }

    public boolean isFinished(QuotaDay day) {
        return day.compareTo(today()) < 0;
    }

    /**
     * The user's key: as given, checked against the product's key type ({@code invalid_input}
     * when it cannot be one), or looked up by email ({@code user_not_found} when there is none).
     */
    public UserKey userId(Connection connection, UserRef ref) {
        if (ref instanceof UserRef.ByKey byKey) {
            return keyType(connection).parse(byKey.text());
        }
        return QuotaContextReads.userIdByEmail(connection, ((UserRef.ByEmail) ref).email())
                .orElseThrow(() -> QuotaException.userNotFound(ref));
    }

    /** The user's facts on {@code day}, with or without a plan. */
    public QuotaContext context(Connection connection, UserRef ref, QuotaDay day) {
        UserKey userId = userId(connection, ref);
        return (isFinished(day) ? QuotaContextReads.finishedDayContext(connection, userId, day.date())
                : QuotaContextReads.context(connection, userId, day.date()))
                .orElseThrow(() -> QuotaException.userNotFound(ref));
    }

    /** The user's facts on a day they had a plan, else {@code no_active_subscription}. */
    public QuotaContext subscribed(Connection connection, UserRef ref, QuotaDay day) {
        QuotaContext context = context(connection, ref, day);
        if (!context.subscribed() && isFinished(day)) {
            throw new QuotaException(ErrorCode.NO_ACTIVE_SUBSCRIPTION,
                    "user " + ref + " had no subscription on " + day + ", so no daily message limit that day",
                    Map.of("user_id", context.userId(), "date", day.toString()));
        }
        return context.requireSubscribed(ref);
    }

    /** The user's quota on {@code day}. */
    public QuotaStatus status(Connection connection, UserRef ref, QuotaDay day) {
        return subscribed(connection, ref, day).status(day);
    }
}
