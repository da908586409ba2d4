package dev.quota.core;

import dev.quota.core.db.SqlStates;
import dev.quota.core.persistence.AdjustmentDao;
import dev.quota.core.persistence.AdjustmentRow;
import dev.quota.core.persistence.ChatOutcome;
import dev.quota.core.persistence.DayUsage;
import dev.quota.core.persistence.ReportDao;
import dev.quota.core.persistence.TopUser;
import dev.quota.core.persistence.MessageDao;
import dev.quota.core.persistence.QuotaContext;
import dev.quota.core.persistence.QuotaContextDao;
import dev.quota.core.persistence.StoredMessage;
import dev.quota.core.persistence.UsageDao;
import dev.quota.core.strategy.BatchedChatPath;
import dev.quota.core.strategy.ConsumptionStrategy;
import dev.quota.core.strategy.CounterKey;
import dev.quota.core.strategy.Decision;
import dev.quota.core.strategy.SingleStatementChatPath;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enforces the daily quota. Consumption happens only together with the stored message, in
 * one transaction, through the chosen {@link ConsumptionStrategy}; adjustments are audited.
 * Every call carries a request_id (the caller's, or a generated one) that is logged with it
 * and makes a retry of a committed request return the original outcome instead of charging
 * twice.
 */
public final class QuotaService {

    private static final Logger log = LoggerFactory.getLogger(QuotaService.class);

    /** The most units one call may consume: more is a bug in the caller, not a chat message. */
    public static final int MAX_UNITS_PER_CALL = 10_000;

    private final Jdbi jdbi;
    private final ConsumptionStrategy strategy;
    private final Clock clock;
    private final QuotaMetrics metrics;

    public QuotaService(Jdbi jdbi, ConsumptionStrategy strategy, Clock clock, QuotaMetrics metrics) {
        this.jdbi = Objects.requireNonNull(jdbi);
        this.strategy = Objects.requireNonNull(strategy);
        this.clock = Objects.requireNonNull(clock);
        this.metrics = Objects.requireNonNull(metrics);
    }

    public QuotaService(Jdbi jdbi, ConsumptionStrategy strategy, Clock clock) {
        this(jdbi, strategy, clock, QuotaMetrics.unregistered(strategy.name()));
    }

    public ConsumptionStrategy strategy() {
        return strategy;
    }

    public QuotaMetrics metrics() {
        return metrics;
    }

    public Clock clock() {
        return clock;
    }

    /** Today's quota (UTC) of a user given by id or email. */
    public QuotaStatus status(String userRef) {
        return status(userRef, QuotaDay.today(clock));
    }

    public QuotaStatus status(String userRef, QuotaDay day) {
        UserRef ref = UserRef.parse(userRef);
        Objects.requireNonNull(day, "day");
        return call(() -> jdbi.withHandle(handle -> statusOf(subscribedContext(handle, ref, day), day)));
    }

    /** The chat path: one unit consumed and one user message stored, in one transaction. */
    public Consumption acceptMessage(String userRef, String requestId) {
        return consume(userRef, 1, requestId);
    }

    /**
     * Consumes {@code units} and stores as many user messages, in one transaction: either
     * both commit or neither does. The first message keeps the request_id; the others get
     * {@code <request_id>#2..n}.
     *
     * @throws QuotaException {@code quota_exceeded} with limit, consumed, remaining, reset_at
     */
    public Consumption consume(String userRef, int units, String requestId) {
        if (units < 1 || units > MAX_UNITS_PER_CALL) {
            throw QuotaException.invalidInput("count must be between 1 and " + MAX_UNITS_PER_CALL + ", got " + units);
        }
        UserRef ref = UserRef.parse(userRef);
        String rid = RequestIds.orNew(requestId);
        // an id we just generated cannot have been committed before: no replay lookups for it
        boolean mayBeRetry = requestId != null;
        Instant now = clock.instant();
        QuotaDay day = QuotaDay.of(now);
        long started = System.nanoTime();
        log.atDebug().addKeyValue("request_id", rid).addKeyValue("user", ref).addKeyValue("units", units)
                .addKeyValue("strategy", strategy.name()).log("quota consumption attempt");
        try {
            Consumption result;
            try {
                result = strategy instanceof BatchedChatPath batched
                        ? consumeInBatch(batched, ref, units, rid, mayBeRetry, now, day)
                        : strategy instanceof SingleStatementChatPath oneStatement && ref instanceof UserRef.ById byId
                        ? strategy.inTransaction(jdbi, handle -> consumeInOneStatement(handle, oneStatement, byId, units, rid, mayBeRetry, now, day))
                        : strategy.inTransaction(jdbi, handle -> consumeInTransaction(handle, ref, units, rid, mayBeRetry, now, day));
            } catch (AlreadyCommitted e) {
                result = jdbi.withHandle(handle -> replay(handle, ref, units, rid));
            }
            if (result.replayed()) {
                metrics.replayed();
                log.atInfo().addKeyValue("request_id", rid).addKeyValue("user_id", result.status().userId())
                        .log("retry of an already committed request answered with its original outcome");
            } else {
                metrics.consumed(units);
            }
            return result;
        } catch (QuotaException | JdbiException e) {
            QuotaException error = SqlStates.translate(e).withRequestId(rid);
            if (error.code() == ErrorCode.QUOTA_EXCEEDED) {
                metrics.exceeded();
                log.atInfo().addKeyValue("request_id", rid).addKeyValue("user", ref)
                        .addKeyValue("limit", error.details().get("limit"))
                        .addKeyValue("consumed", error.details().get("consumed"))
                        .log("quota exceeded: message blocked");
            } else {
                log.atWarn().addKeyValue("request_id", rid).addKeyValue("user", ref).addKeyValue("code", error.code())
                        .log("quota consumption failed: {}", error.getMessage());
            }
            throw error;
        } finally {
            metrics.latency(Duration.ofNanos(System.nanoTime() - started));
        }
    }

    private Consumption consumeInTransaction(Handle handle, UserRef ref, int units, String rid, boolean mayBeRetry,
                                             Instant now, QuotaDay day) {
        QuotaContext context = subscribedContext(handle, ref, day);
        QuotaStatus before = statusOf(context, day);
        Decision decision = strategy.consume(handle, new CounterKey(context.userId(), day), units, before.limit());
        if (!decision.accepted()) {
            throw refusal(handle, units, rid, mayBeRetry, () -> before.withConsumed(decision.used() != Decision.UNKNOWN
                    ? decision.used() : handle.attach(UsageDao.class).read(context.userId(), day.date()).orElse(0)));
        }
        List<Long> stored = handle.attach(MessageDao.class)
                .insertUserMessages(context.userId(), null, now.atOffset(ZoneOffset.UTC), RequestIds.forUnits(rid, units));
        if (stored.size() != units) {
            // Someone committed this request_id first: roll our charge back and answer theirs.
            throw new AlreadyCommitted();
        }
        return new Consumption(rid, units, false, before.withConsumed(decision.used()));
    }

    private Consumption consumeInOneStatement(Handle handle, SingleStatementChatPath path, UserRef.ById ref, int units,
                                              String rid, boolean mayBeRetry, Instant now, QuotaDay day) {
        ChatOutcome result = path.acceptInOneStatement(handle, ref.id(), day, units, RequestIds.forUnits(rid, units),
                now.atOffset(ZoneOffset.UTC)).orElseThrow(() -> QuotaException.userNotFound(ref));
        QuotaStatus before = statusOf(result.context().requireSubscribed(ref), day);
        if (!result.accepted()) {
            // when a consumption committed after our snapshot filled the day, read what refused us (we hold the row lock)
            throw refusal(handle, units, rid, mayBeRetry, () -> (long) result.consumed() + units <= before.limit()
                    ? before.withConsumed(handle.attach(UsageDao.class).read(ref.id(), day.date()).orElse(0))
                    : before);
        }
        if (result.stored() != units) {
            throw new AlreadyCommitted();
        }
        return new Consumption(rid, units, false, before.withConsumed(result.usedAfter()));
    }

    /** How long a caller waits for its batch: past every lock and statement bound of the batch's transaction. */
    private static final Duration BATCH_WAIT = Duration.ofSeconds(90);

    private Consumption consumeInBatch(BatchedChatPath batched, UserRef ref, int units, String rid, boolean mayBeRetry,
                                       Instant now, QuotaDay day) {
        long userId = ref.knownId().orElseGet(() -> jdbi.withHandle(handle -> context(handle, ref, day).userId()));
        var pending = new BatchedChatPath.Pending(userId, day, units, rid, mayBeRetry, now, new CompletableFuture<>());
        BatchedChatPath.Outcome outcome;
        try {
            outcome = batched.submit(jdbi, pending).get(BATCH_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw SqlStates.translate(e.getCause());
        } catch (TimeoutException e) {
            throw new QuotaException(ErrorCode.CONTENTION_TIMEOUT, "no batch served this message within " + BATCH_WAIT.toSeconds()
                    + " s; retry with the same request_id to learn whether it was stored");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QuotaException(ErrorCode.CONTENTION_TIMEOUT, "interrupted while waiting for a batch");
        }
        if (outcome.replayed()) {
            // answered like any retry, which also checks that the id belongs to this user
            return jdbi.withHandle(handle -> replay(handle, ref, units, rid));
        }
        QuotaStatus status = QuotaStatus.of(userId, outcome.email(), day, outcome.planCode(), outcome.planLimit(),
                outcome.granted(), outcome.consumed());
        if (!outcome.accepted()) {
            throw exceeded(status, units, rid);
        }
        return new Consumption(rid, units, false, status);
    }

    private Consumption replay(Handle handle, UserRef ref, int units, String rid) {
        List<StoredMessage> messages = handle.attach(MessageDao.class).findByRequestIds(RequestIds.forUnits(rid, units));
        QuotaContext caller = context(handle, ref, QuotaDay.today(clock));
        if (messages.isEmpty() || messages.stream().anyMatch(m -> m.userId() != caller.userId()) || messages.size() != units) {
            throw QuotaException.invalidInput("request_id '" + rid + "' was already used by a different request");
        }
        QuotaDay day = QuotaDay.of(messages.get(0).createdAt());
        QuotaStatus status = statusOf(subscribedContext(handle, ref, day), day);
        return new Consumption(rid, units, true, status);
    }

    /**
     * The answer to a refused consumption: {@code quota_exceeded} with the day as it refused
     * us, unless this is a retry whose first attempt committed, which must get that outcome
     * back even once the day is full.
     */
    private static QuotaException refusal(Handle handle, int units, String rid, boolean mayBeRetry,
                                          java.util.function.Supplier<QuotaStatus> refusedAt) {
        if (mayBeRetry && handle.attach(MessageDao.class).requestCommitted(rid)) {
            throw new AlreadyCommitted();
        }
        return exceeded(refusedAt.get(), units, rid);
    }

    private static QuotaException exceeded(QuotaStatus status, int units, String rid) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("user_id", status.userId());
        details.put("limit", status.limit());
        details.put("consumed", status.consumed());
        details.put("remaining", status.remaining());
        details.put("requested", units);
        details.put("reset_at", status.resetAt().toString());
        String message = status.remaining() == 0
                ? "daily message quota reached (" + status.consumed() + " of " + status.limit() + " used)"
                : "not enough quota left: " + units + " requested, " + status.remaining() + " of " + status.limit() + " remaining";
        return new QuotaException(ErrorCode.QUOTA_EXCEEDED, message + "; it resets at " + status.resetAt(), details, rid, null);
    }

    /** Applies an audited adjustment (or previews it, with dry-run). */
    public Adjustment adjust(AdjustmentRequest request) {
        UserRef ref = UserRef.parse(request.userRef());
        QuotaDay day = request.day() != null ? request.day() : QuotaDay.today(clock);
        String rid = RequestIds.orNew(request.requestId());
        try {
            Adjustment adjustment;
            try {
                adjustment = jdbi.inTransaction(handle -> adjustInTransaction(handle, request, ref, day, rid));
            } catch (AlreadyCommitted e) {
                adjustment = jdbi.withHandle(handle -> replayAdjustment(handle, request, ref, rid));
            }
            log.atInfo().addKeyValue("request_id", rid).addKeyValue("user_id", adjustment.before().userId())
                    .addKeyValue("kind", request.kind().code()).addKeyValue("requested", request.amount())
                    .addKeyValue("applied_delta", adjustment.appliedDelta()).addKeyValue("actor", request.actor())
                    .addKeyValue("dry_run", request.dryRun())
                    .log("quota adjusted");
            return adjustment;
        } catch (QuotaException | JdbiException e) {
            throw SqlStates.translate(e).withRequestId(rid);
        }
    }

    private Adjustment adjustInTransaction(Handle handle, AdjustmentRequest request, UserRef ref, QuotaDay day, String rid) {
        QuotaContext context = subscribedContext(handle, ref, day);
        AdjustmentDao audit = handle.attach(AdjustmentDao.class);
        if (audit.findByRequestId(rid).isPresent()) {
            throw new AlreadyCommitted();
        }
        UsageDao usage = handle.attach(UsageDao.class);
        CounterKey counter = new CounterKey(context.userId(), day);
        int used;
        if (request.dryRun()) {
            used = usage.read(context.userId(), day.date()).orElse(0);
        } else {
            // the same lock order as the advisory strategy (advisory, then row): no deadlock
            counter.lockAdvisory(handle);
            usage.insertIfAbsent(context.userId(), day.date(), 0);
            used = usage.readForUpdate(context.userId(), day.date()).orElseThrow();
        }
        QuotaStatus before = statusOf(context, day).withConsumed(used);
        AdjustmentKind kind = request.kind();
        int after = kind.usageAfter(used, request.amount(), before.limit());
        int delta = kind.appliedDelta(used, request.amount(), before.limit());
        QuotaStatus afterStatus = kind == AdjustmentKind.GRANT
                ? before.withGranted(before.granted() + delta)
                : before.withConsumed(after);
        if (request.dryRun()) {
            return new Adjustment(0, kind, request.amount(), delta, request.reason(), request.actor(), rid,
                    clock.instant(), true, false, before, afterStatus);
        }
        if (after != used) {
            usage.write(context.userId(), day.date(), after);
        }
        AdjustmentRow row = audit.insert(context.userId(), day.date(), kind.code(), request.amount(), delta,
                request.reason(), request.actor(), rid).orElseThrow(AlreadyCommitted::new);
        return new Adjustment(row.id(), kind, request.amount(), delta, row.reason(), row.actor(), rid, row.createdAt(),
                false, false, before, afterStatus);
    }

    private Adjustment replayAdjustment(Handle handle, AdjustmentRequest request, UserRef ref, String rid) {
        AdjustmentRow row = handle.attach(AdjustmentDao.class).findByRequestId(rid).orElseThrow();
        QuotaContext caller = context(handle, ref, QuotaDay.of(row.quotaDate()));
        if (row.userId() != caller.userId() || !row.kind().equals(request.kind().code()) || row.requested() != request.amount()) {
            throw QuotaException.invalidInput("request_id '" + rid + "' was already used by a different adjustment");
        }
        QuotaStatus now = statusOf(caller.requireSubscribed(ref), QuotaDay.of(row.quotaDate()));
        return new Adjustment(row.id(), request.kind(), row.requested(), row.appliedDelta(), row.reason(), row.actor(), rid,
                row.createdAt(), false, true, now, now);
    }

    /** The audit trail of a user between two days, inclusive. */
    public List<AdjustmentRow> adjustments(String userRef, QuotaDay from, QuotaDay to) {
        UserRef ref = UserRef.parse(userRef);
        return call(() -> jdbi.withHandle(handle -> {
            QuotaContext context = context(handle, ref, to);
            return handle.attach(AdjustmentDao.class).forUser(context.userId(), from.date(), to.date());
        }));
    }

    /** A user's days from {@code from} to {@code to}, newest first: counter, messages and grants. */
    public List<DayUsage> history(String userRef, QuotaDay from, QuotaDay to) {
        UserRef ref = UserRef.parse(userRef);
        if (from.compareTo(to) > 0) {
            throw QuotaException.invalidInput("history range starts after it ends: " + from + " > " + to);
        }
        return call(() -> jdbi.withHandle(handle ->
                handle.attach(ReportDao.class).history(context(handle, ref, to).userId(), from.date(), to.date())));
    }

    /** The users with the highest counters of a day; only those at or above their limit with {@code exhaustedOnly}. */
    public List<TopUser> top(QuotaDay day, boolean exhaustedOnly, int limit) {
        if (limit < 1 || limit > 10_000) {
            throw QuotaException.invalidInput("limit must be between 1 and 10000, got " + limit);
        }
        return call(() -> jdbi.withExtension(ReportDao.class, dao -> dao.top(day.date(), isFinished(day), exhaustedOnly, limit)));
    }

    /** Today and later days take the active plan; a finished day the plan that covered it. */
    private QuotaContext context(Handle handle, UserRef ref, QuotaDay day) {
        QuotaContextDao dao = handle.attach(QuotaContextDao.class);
        Optional<Long> userId = ref.knownId().or(() -> dao.userIdByEmail(((UserRef.ByEmail) ref).email()));
        return userId.flatMap(id -> isFinished(day) ? dao.finishedDayContext(id, day.date()) : dao.context(id, day.date()))
                .orElseThrow(() -> QuotaException.userNotFound(ref));
    }

    /** The context of a user who has a plan that day, else {@code no_active_subscription}. */
    private QuotaContext subscribedContext(Handle handle, UserRef ref, QuotaDay day) {
        QuotaContext context = context(handle, ref, day);
        if (!context.subscribed() && isFinished(day)) {
            throw new QuotaException(ErrorCode.NO_ACTIVE_SUBSCRIPTION,
                    "user " + ref + " had no subscription on " + day + ", so no daily message limit that day",
                    Map.of("user_id", context.userId(), "date", day.toString()));
        }
        return context.requireSubscribed(ref);
    }

    private boolean isFinished(QuotaDay day) {
        return day.compareTo(QuotaDay.today(clock)) < 0;
    }

    private static QuotaStatus statusOf(QuotaContext context, QuotaDay day) {
        return QuotaStatus.of(context.userId(), context.email(), day, context.planCode(), context.planLimit(),
                context.granted(), context.consumed());
    }

    private static <T> T call(java.util.function.Supplier<T> work) {
        try {
            return work.get();
        } catch (QuotaException | JdbiException e) {
            throw SqlStates.translate(e);
        }
    }

    /** Control flow only: the request_id was committed before, answer from the stored outcome. */
    private static final class AlreadyCommitted extends RuntimeException {
        AlreadyCommitted() {
            super(null, null, false, false);
        }
    }
}
