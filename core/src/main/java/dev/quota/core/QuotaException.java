package dev.quota.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one exception type for business errors. It carries a stable {@link ErrorCode}, a
 * human message and machine-readable details (snake_case keys), which the edges turn into
 * exit codes and JSON error envelopes.
 */
public class QuotaException extends RuntimeException {

    private final ErrorCode code;
    private final Map<String, Object> details;
    private final String requestId;

    public QuotaException(ErrorCode code, String message) {
        this(code, message, Map.of(), null, null);
    }

    public QuotaException(ErrorCode code, String message, Map<String, ?> details) {
        this(code, message, details, null, null);
    }

    public QuotaException(ErrorCode code, String message, Map<String, ?> details, String requestId, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
        this.requestId = requestId;
    }

    public static QuotaException invalidInput(String message) {
        return new QuotaException(ErrorCode.INVALID_INPUT, message);
    }

    public static QuotaException userNotFound(Object user) {
        return new QuotaException(ErrorCode.USER_NOT_FOUND, "no user " + user, Map.of("user", user.toString()));
    }

    /** {@code user} as the caller named it (id or email), {@code userId} as resolved. */
    public static QuotaException noActiveSubscription(Object user, UserKey userId) {
        return new QuotaException(ErrorCode.NO_ACTIVE_SUBSCRIPTION,
                "user " + user + " has no active subscription, so no daily message limit", Map.of("user_id", userId));
    }

    public ErrorCode code() {
        return code;
    }

    public Map<String, Object> details() {
        return details;
    }

    /** The request this error answers, when it was raised on behalf of one. */
    public String requestId() {
        return requestId;
    }

    /** The same error, tagged with the request it answers. */
    public QuotaException withRequestId(String id) {
        if (id == null || id.equals(requestId)) {
            return this;
        }
        QuotaException tagged = new QuotaException(code, getMessage(), details, id, getCause());
        tagged.setStackTrace(getStackTrace());
        return tagged;
    }
}
