package dev.quota.core;

/**
 * The stable business error codes. Their {@link #code()} strings are a public contract:
 * clients and scripts match on them, so they never change once released.
 */
public enum ErrorCode {
    QUOTA_EXCEEDED("quota_exceeded"),
    NO_ACTIVE_SUBSCRIPTION("no_active_subscription"),
    USER_NOT_FOUND("user_not_found"),
    INVALID_QUOTA_STATE("invalid_quota_state"),
    /** Malformed input rejected before any database work: a bad count, date, user reference. */
    INVALID_INPUT("invalid_input"),
    /** A lock wait, statement timeout or retry budget ran out; the call changed nothing and may be retried. */
    CONTENTION_TIMEOUT("contention_timeout"),
    DATABASE_UNAVAILABLE("database_unavailable"),
    SCHEMA_MISMATCH("schema_mismatch"),
    /** The database role lacks a privilege the command needs; the message names it. */
    PERMISSION_DENIED("permission_denied"),
    /** The deployment's settings rule the command out on this database (it does not own what it would write). */
    NOT_ALLOWED_HERE("not_allowed_here"),
    /** A writing command was pointed at a hot standby: writes go to the primary ({@code --db-url}). */
    READ_ONLY_DATABASE("read_only_database"),
    /** The standby had not replayed what the primary had committed within the bound: its answer would be stale. */
    STANDBY_BEHIND("standby_behind"),
    /**
     * The database cannot plan or run one of the toolkit's statements (SQLSTATE 0A000,
     * feature_not_supported: a Citus planner refusal, for example); the details carry the
     * statement and the database's message.
     */
    UNSUPPORTED_BY_DATABASE("unsupported_by_database"),
    /**
     * {@code db migrate} could not take a lock a migration needs within its lock_timeout, on
     * every attempt: other sessions held it. The migration was rolled back whole; the details
     * name it and the sessions that held the lock.
     */
    LOCK_NOT_AVAILABLE("lock_not_available");

    private final String code;

    ErrorCode(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    @Override
    public String toString() {
        return code;
    }
}
