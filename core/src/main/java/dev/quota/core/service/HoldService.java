package dev.quota.core.service;

import dev.quota.core.AdjustmentRequest;
import dev.quota.core.ErrorCode;
import dev.quota.core.QuotaException;
import dev.quota.core.RequestIds;
import dev.quota.core.UserKey;
import dev.quota.core.UserRef;
import dev.quota.core.db.SqlStates;
import dev.quota.core.persistence.HoldDao;
import dev.quota.core.persistence.HoldRow;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import org.jdbi.v3.core.Jdbi;

/**
 * Support's release of a hold ({@code quota.reserve}) by hand, recorded on the hold with who
 * and why: a caller that died holds its units until the hold expires; support need not wait.
 * The holds are read by {@link ReportService}.
 */
public final class HoldService {

    private final Jdbi jdbi;
    private final QuotaContextResolver contexts;

    public HoldService(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.contexts = new QuotaContextResolver(clock);
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
            UserKey user = contexts.context(handle.getConnection(), ref, contexts.today()).userId();
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
