package dev.quota.core.service;

import dev.quota.core.Adjustment;
import dev.quota.core.AdjustmentKind;
import dev.quota.core.AdjustmentRequest;
import dev.quota.core.QuotaDay;
import dev.quota.core.QuotaException;
import dev.quota.core.QuotaStatus;
import dev.quota.core.RequestIds;
import dev.quota.core.UserRef;
import dev.quota.core.db.DeploymentSettings;
import dev.quota.core.db.SqlStates;
import dev.quota.core.persistence.AdjustmentDao;
import dev.quota.core.persistence.AdjustmentRow;
import dev.quota.core.persistence.QuotaContext;
import dev.quota.core.persistence.QuotaContextDao;
import dev.quota.core.persistence.UsageDao;
import dev.quota.core.strategy.CounterKey;
import java.time.Clock;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Support's audited changes to a day: grant, refund, charge, reset, set. Each is one
 * transaction that locks the counter as every audited writer does ({@link CounterKey#lock}),
 * applies the kind's rule ({@link AdjustmentKind}) and writes its audit row; a retry with
 * the same request_id is answered from that row instead of being applied twice.
 */
public final class AdjustmentService {

    private static final Logger log = LoggerFactory.getLogger(AdjustmentService.class);

    private final Jdbi jdbi;
    private final Clock clock;
    private final QuotaContextResolver contexts;

    public AdjustmentService(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.contexts = new QuotaContextResolver(clock);
    }

    /** Applies an audited adjustment (or previews it, with dry-run). */
    public Adjustment adjust(AdjustmentRequest request) {
        UserRef ref = UserRef.parse(request.userRef());
        QuotaDay day = request.day() != null ? request.day() : contexts.today();
        String rid = RequestIds.orNew(request.requestId());
        try {
            Adjustment adjustment = SqlStates.translated(() -> jdbi.inTransaction(handle -> apply(handle, request, ref, day, rid)));
            log.atInfo().addKeyValue("request_id", rid).addKeyValue("user_id", adjustment.before().userId())
                    .addKeyValue("kind", request.kind().code()).addKeyValue("requested", request.amount())
                    .addKeyValue("applied_delta", adjustment.appliedDelta()).addKeyValue("actor", request.actor())
                    .addKeyValue("dry_run", request.dryRun()).addKeyValue("replayed", adjustment.replayed())
                    .log("quota adjusted");
            return adjustment;
        } catch (QuotaException e) {
            throw e.withRequestId(rid);
        }
    }

    private Adjustment apply(Handle handle, AdjustmentRequest request, UserRef ref, QuotaDay day, String rid) {
        if (request.kind() == AdjustmentKind.GRANT) {
            // a grant the product's backend does not read would tell support a lie
            DeploymentSettings.read(handle).requireGrantsHonoured();
        }
        QuotaContext context = contexts.subscribed(handle.getConnection(), ref, day);
        AdjustmentDao audit = handle.attach(AdjustmentDao.class);
        Optional<AdjustmentRow> earlier = audit.findByRequestId(context.userId(), rid);
        if (earlier.isPresent()) {
            return replay(handle, request, ref, earlier.get());
        }
        int used = request.dryRun()
                ? handle.attach(UsageDao.class).read(context.userId(), day.date()).orElse(0)
                : new CounterKey(context.userId(), day).lock(handle);
        QuotaStatus before = context.status(day).withConsumed(used);
        AdjustmentKind kind = request.kind();
        int after = kind.usageAfter(used, request.amount(), before.limit());
        int delta = kind.appliedDelta(used, request.amount(), before.limit());
        QuotaStatus afterStatus = kind == AdjustmentKind.GRANT
                ? before.withGranted(before.granted() + delta,
                        handle.attach(QuotaContextDao.class).effectiveLimit(before.planLimit(), (long) before.granted() + delta))
                : before.withConsumed(after);
        if (request.dryRun()) {
            return new Adjustment(0, kind, request.amount(), delta, request.reason(), request.actor(), rid,
                    clock.instant(), true, false, before, afterStatus);
        }
        if (after != used) {
            handle.attach(UsageDao.class).write(context.userId(), day.date(), after);
        }
        Optional<AdjustmentRow> row = audit.insert(context.userId(), day.date(), kind.code(), request.amount(), delta,
                request.reason(), request.actor(), rid);
        if (row.isEmpty()) {
            // the same request id committed concurrently: undo ours, answer theirs
            handle.rollback();
            return replay(handle, request, ref, audit.findByRequestId(context.userId(), rid).orElseThrow());
        }
        AdjustmentRow applied = row.get();
        return new Adjustment(applied.id(), kind, request.amount(), delta, applied.reason(), applied.actor(), rid,
                applied.createdAt(), false, false, before, afterStatus);
    }

    /** The answer to a retried request id: the adjustment it applied, if it was this one. */
    private Adjustment replay(Handle handle, AdjustmentRequest request, UserRef ref, AdjustmentRow row) {
        QuotaDay day = QuotaDay.of(row.quotaDate());
        if (!row.kind().equals(request.kind().code()) || row.requested() != request.amount()) {
            throw QuotaException.invalidInput("request_id '" + row.requestId() + "' was already used by a different adjustment");
        }
        QuotaStatus now = contexts.status(handle.getConnection(), ref, day);
        return new Adjustment(row.id(), request.kind(), row.requested(), row.appliedDelta(), row.reason(), row.actor(),
                row.requestId(), row.createdAt(), false, true, now, now);
    }
}
