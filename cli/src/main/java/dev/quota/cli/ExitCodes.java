package dev.quota.cli;

import dev.quota.core.ErrorCode;

/** The exit codes of every quota command: the one mapping from error code to exit code. */
public final class ExitCodes {

    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 2;
    public static final int QUOTA_EXCEEDED = 3;
    public static final int NO_ACTIVE_SUBSCRIPTION = 4;
    public static final int USER_NOT_FOUND = 5;
    public static final int INVALID = 6;
    public static final int DATABASE_UNAVAILABLE = 7;
    public static final int SCHEMA_MISMATCH = 8;
    public static final int PERMISSION_DENIED = 9;
    public static final int NOT_ALLOWED_HERE = 11;
    public static final int DRIFT_FOUND = 10;
    public static final int READ_ONLY_DATABASE = 12;
    public static final int STANDBY_BEHIND = 13;
    public static final int UNSUPPORTED_BY_DATABASE = 14;
    public static final int LOCK_NOT_AVAILABLE = 15;

    private ExitCodes() {
    }

    public static int of(ErrorCode code) {
        return switch (code) {
            case QUOTA_EXCEEDED -> QUOTA_EXCEEDED;
            case NO_ACTIVE_SUBSCRIPTION -> NO_ACTIVE_SUBSCRIPTION;
            case USER_NOT_FOUND -> USER_NOT_FOUND;
            case INVALID_QUOTA_STATE, INVALID_INPUT -> INVALID;
            case CONTENTION_TIMEOUT, DATABASE_UNAVAILABLE -> DATABASE_UNAVAILABLE;
            case SCHEMA_MISMATCH -> SCHEMA_MISMATCH;
            case PERMISSION_DENIED -> PERMISSION_DENIED;
            case NOT_ALLOWED_HERE -> NOT_ALLOWED_HERE;
            case READ_ONLY_DATABASE -> READ_ONLY_DATABASE;
            case STANDBY_BEHIND -> STANDBY_BEHIND;
            case UNSUPPORTED_BY_DATABASE -> UNSUPPORTED_BY_DATABASE;
            case LOCK_NOT_AVAILABLE -> LOCK_NOT_AVAILABLE;
        };
    }
}
