package dev.quota.core.service;

import dev.quota.core.AdjustmentRequest;
import dev.quota.core.ErrorCode;
import dev.quota.core.QuotaDay;
import dev.quota.core.QuotaException;
import dev.quota.core.RequestIds;
import dev.quota.core.UserKey;
import dev.quota.core.UserRef;
import dev.quota.core.db.SqlStates;
import dev.quota.core.persistence.HoldDao;
import dev.quota.core.persistence.HoldRow;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Support's view of holds ({@code quota.reserve}): a user's holds of a day, and the release
 * of one by hand, recorded on the hold with who and why (a caller that died holds its units
 * until the hold expires; support need not wait).
 */
public final class HoldService {

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

    private final Jdbi jdbi;
    private final QuotaContextResolver contexts;

    public HoldService(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.contexts = new QuotaContextResolver(clock);
    }

    public Holds holds(String userRef, QuotaDay day) {
        UserRef ref = UserRef.parse(userRef);
        return SqlStates.translated(() -> jdbi.withHandle(handle -> holds(handle, contexts.context(handle, ref, day).userId(), day)));
    }

    /** The holds of a user already resolved (by {@code show}'s status read): one query. */
    public Holds holds(UserKey user, QuotaDay day) {
        return SqlStates.translated(() -> jdbi.withHandle(handle -> holds(handle, user, day)));
    }

    /** The holds support released by hand on the days from {@code from} to {@code to}, in the order they were released. */
    public List<HoldRow> releasedByHand(UserKey user, QuotaDay from, QuotaDay to) {
        return SqlStates.translated(() -> jdbi.withHandle(handle -> handle.attach(HoldDao.class)
                .releasedByHand(user, from.date(), to.date())));
    }

    private static Holds holds(Handle handle, UserKey user, QuotaDay day) {
        return new Holds(user, day, handle.attach(HoldDao.class).forDay(user, day.date()));
    }

    /**
     * Frees an open hold by hand. A hold already settled or released, or none by that request
     * id, is {@code invalid_quota_state} and changes nothing.
     */
    public HoldRow release(String userRef, String requestId, String reason, String actor) {
        UserRef ref = UserRef.parse(userRef);
        String id = RequestIds.orNew(Objects.requireNonNull(requestId, "requestId"));
        String why = AdjustmentRequest.requireReason("release", reason);
        String who = AdjustmentRequest.requireActor("release", actor);
        return SqlStates.translated(() -> jdbi.inTransaction(handle -> {
            UserKey user = contexts.context(handle, ref, contexts.today()).userId();
            HoldDao holds = handle.attach(HoldDao.class);
            HoldRow hold = holds.lockOne(user, id).orElseThrow(() -> new QuotaException(ErrorCode.INVALID_QUOTA_STATE,
                    "user " + user + " has no hold '" + id + "': nothing released", Map.of("request_id", id)));
            if (!hold.state().equals("held")) {
                throw new QuotaException(ErrorCode.INVALID_QUOTA_STATE, "hold '" + id + "' of user " + user + " is already "
                        + hold.state() + ": nothing released", Map.of("request_id", id, "state", hold.state()));
            }
            return holds.release(user, id, who, why);
        }));
    }
}
