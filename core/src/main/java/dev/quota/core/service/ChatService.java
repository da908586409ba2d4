package dev.quota.core.service;

import dev.quota.core.Consumption;
import dev.quota.core.ErrorCode;
import dev.quota.core.QuotaDay;
import dev.quota.core.QuotaException;
import dev.quota.core.QuotaStatus;
import dev.quota.core.RequestIds;
import dev.quota.core.UserKey;
import dev.quota.core.UserRef;
import dev.quota.core.db.SqlStates;
import dev.quota.core.persistence.HoldFunctions;
import dev.quota.core.persistence.MessageDao;
import dev.quota.core.persistence.StoredMessage;
import dev.quota.core.strategy.ChatOutcome;
import dev.quota.core.strategy.ChatPath;
import dev.quota.core.strategy.ChatRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat path's use case: a unit is consumed only together with the stored message, in
 * one commit, through the strategy's {@link ChatPath}, which is the only thing that differs
 * between strategies. Every call carries a request_id (the caller's, or a generated one)
 * that is logged with it and makes a retry of a committed request return the original
 * outcome instead of charging twice. Errors leave here as {@link QuotaException}s, translated
 * once, and every attempt and block is logged and counted.
 */
public final class ChatService {

    private static final Logger log = LoggerFactory.getLogger(ChatService.class);

    /** The most units one call may consume: more is a bug in the caller, not a chat message. */
    public static final int MAX_UNITS_PER_CALL = 10_000;

    private final Jdbi jdbi;
    private final ChatPath path;
    private final Clock clock;
    private final QuotaMetrics metrics;
    private final QuotaContextResolver contexts;

    /** On a path its caller opened, and closes: the service never closes it. */
    public ChatService(Jdbi jdbi, ChatPath path, Clock clock, QuotaMetrics metrics) {
        this.jdbi = Objects.requireNonNull(jdbi);
        this.path = Objects.requireNonNull(path);
        this.clock = Objects.requireNonNull(clock);
        this.metrics = Objects.requireNonNull(metrics);
        this.contexts = new QuotaContextResolver(clock);
    }

    public ChatService(Jdbi jdbi, ChatPath path, Clock clock) {
        this(jdbi, path, clock, QuotaMetrics.unregistered(path.name()));
    }

    public String strategy() {
        return path.name();
    }

    public QuotaMetrics metrics() {
        return metrics;
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
        Instant now = clock.instant();
        long started = System.nanoTime();
        log.atDebug().addKeyValue("request_id", rid).addKeyValue("user", ref).addKeyValue("units", units)
                .addKeyValue("strategy", path.name()).log("quota consumption attempt");
        try {
            // the same path whether the user is given by id or by email: an email is resolved first
            UserKey userId = contexts.keyIfKnown(ref).orElseGet(() -> jdbi.withHandle(handle -> contexts.userId(handle.getConnection(), ref)));
            // an id we just generated cannot have been committed before: no replay lookups for it
            ChatOutcome outcome = path.accept(new ChatRequest(userId, units, rid, requestId != null, now));
            if (outcome instanceof ChatOutcome.Refused refused) {
                throw exceeded(refused.status(), units, rid);
            }
            if (outcome instanceof ChatOutcome.Accepted accepted) {
                metrics.consumed(units);
                return new Consumption(rid, units, false, accepted.status());
            }
            Consumption replayed = jdbi.withHandle(handle -> replay(handle, ref, units, rid));
            metrics.replayed();
            log.atInfo().addKeyValue("request_id", rid).addKeyValue("user_id", userId)
                    .log("retry of an already committed request answered with its original outcome");
            return replayed;
        } catch (QuotaException | JdbiException e) {
            throw failed(e, rid, ref, "quota consumption");
        } finally {
            metrics.latency(Duration.ofNanos(System.nanoTime() - started));
        }
    }

    /**
     * Holds {@code units} for a reply being written, in a transaction of its own, for
     * {@code ttl} at most ({@link dev.quota.core.strategy.ReplyHolds}); settle or release it
     * when the reply is done. The same request id answers with the same hold.
     *
     * @throws QuotaException {@code quota_exceeded} when consumed + held + units is above the limit
     */
    public ReplyHold reserve(String userRef, int units, String requestId, Duration ttl) {
        if (units < 1 || units > MAX_UNITS_PER_CALL) {
            throw QuotaException.invalidInput("count must be between 1 and " + MAX_UNITS_PER_CALL + ", got " + units);
        }
        UserRef ref = UserRef.parse(userRef);
        String rid = RequestIds.orNew(requestId);
        log.atDebug().addKeyValue("request_id", rid).addKeyValue("user", ref).addKeyValue("units", units)
                .addKeyValue("ttl", ttl).log("quota hold attempt");
        try {
            UserKey userId = contexts.keyIfKnown(ref).orElseGet(() -> jdbi.withHandle(handle -> contexts.userId(handle.getConnection(), ref)));
            ChatRequest request = new ChatRequest(userId, units, rid, requestId != null, clock.instant());
            HoldFunctions.Reserved row = path.holds().reserve(request, ttl);
            if (!row.accepted() && ErrorCode.QUOTA_EXCEEDED.code().equals(row.code())) {
                throw exceeded(userId, row.dailyLimit(), row.consumed(), row.held(), row.remaining(), row.resetAt(), units, rid);
            }
            return new ReplyHold(request, row);
        } catch (QuotaException | JdbiException e) {
            throw failed(e, rid, ref, "quota hold");
        }
    }

    /**
     * Charges what the reply used to the hold's day and stores as many user messages, in one
     * transaction; the rest of the hold is freed. {@code code} says when less was charged
     * ({@code charged_within_limit}) or nothing ({@code hold_released}, {@code hold_expired}).
     */
    public HoldFunctions.Settled settle(ReplyHold hold, int unitsUsed) {
        if (unitsUsed < 0 || unitsUsed > MAX_UNITS_PER_CALL) {
            throw QuotaException.invalidInput("units used must be between 0 and " + MAX_UNITS_PER_CALL + ", got " + unitsUsed);
        }
        String rid = hold.requestId();
        try {
            HoldFunctions.Settled settled = path.holds().settle(hold.request(), unitsUsed);
            if (settled.settled() && !settled.replayed()) {
                metrics.consumed(settled.charged());
            }
            log.atInfo().addKeyValue("request_id", rid).addKeyValue("user_id", hold.request().userId())
                    .addKeyValue("units_used", unitsUsed).addKeyValue("charged", settled.charged()).addKeyValue("code", settled.code())
                    .log(settled.settled() ? "quota hold settled" : "quota hold not settled");
            return settled;
        } catch (JdbiException e) {
            throw failed(e, rid, hold.request().userId(), "quota settle");
        }
    }

    /** Frees the whole hold: the reply failed. */
    public HoldFunctions.Released release(ReplyHold hold) {
        String rid = hold.requestId();
        try {
            HoldFunctions.Released released = path.holds().release(hold.request().userId(), rid);
            log.atInfo().addKeyValue("request_id", rid).addKeyValue("user_id", hold.request().userId())
                    .addKeyValue("code", released.code()).log("quota hold released");
            return released;
        } catch (JdbiException e) {
            throw failed(e, rid, hold.request().userId(), "quota release");
        }
    }

    /** The error a call leaves with, logged once: a block at info, anything else at warn. */
    private QuotaException failed(RuntimeException e, String rid, Object user, String what) {
        QuotaException error = SqlStates.translate(e).withRequestId(rid);
        if (error.code() == ErrorCode.QUOTA_EXCEEDED) {
            metrics.exceeded();
            log.atInfo().addKeyValue("request_id", rid).addKeyValue("user", user)
                    .addKeyValue("limit", error.details().get("limit"))
                    .addKeyValue("consumed", error.details().get("consumed"))
                    .log("quota exceeded: message blocked");
        } else {
            log.atWarn().addKeyValue("request_id", rid).addKeyValue("user", user).addKeyValue("code", error.code())
                    .log(what + " failed: {}", error.getMessage());
        }
        return error;
    }

    /** A retry of a committed request, answered from the stored messages: only if the id was used by this user for as many units. */
    private Consumption replay(Handle handle, UserRef ref, int units, String rid) {
        List<StoredMessage> messages = handle.attach(MessageDao.class).findByRequestIds(RequestIds.forUnits(rid, units));
        UserKey caller = contexts.userId(handle.getConnection(), ref);
        if (messages.isEmpty() || messages.stream().anyMatch(m -> !m.userId().equals(caller)) || messages.size() != units) {
            throw QuotaException.invalidInput("request_id '" + rid + "' was already used by a different request");
        }
        QuotaDay day = QuotaDay.of(messages.get(0).createdAt());
        return new Consumption(rid, units, true, contexts.status(handle.getConnection(), ref, day));
    }

    private static QuotaException exceeded(QuotaStatus status, int units, String rid) {
        return exceeded(status.userId(), status.limit(), status.consumed(), 0, status.remaining(), status.resetAt(), units, rid);
    }

    /** {@code quota_exceeded} with the story's details; {@code held} appears when holds took part of the day. */
    private static QuotaException exceeded(UserKey user, int limit, int consumed, int held, int remaining, Instant resetAt, int units,
                                           String rid) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("user_id", user);
        details.put("limit", limit);
        details.put("consumed", consumed);
        if (held > 0) {
            details.put("held", held);
        }
        details.put("remaining", remaining);
        details.put("requested", units);
        details.put("reset_at", resetAt.toString());
        String used = held > 0 ? consumed + " used and " + held + " held of " + limit : consumed + " of " + limit + " used";
        String message = remaining == 0
                ? "daily message quota reached (" + used + ")"
                : "not enough quota left: " + units + " requested, " + remaining + " of " + limit + " remaining";
        return new QuotaException(ErrorCode.QUOTA_EXCEEDED, message + "; it resets at " + resetAt, details, rid, null);
    }
}
