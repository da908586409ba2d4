package dev.quota.core;

import java.util.Arrays;
import java.util.Locale;

/**
 * The audited ways a day's quota is changed by hand (or by the reconciler), with the rule
 * each one applies. {@code grant} raises the day's limit; every other kind moves the
 * counter. A rule never takes the counter below 0 nor, except for {@code reconcile} which
 * mirrors the message log, above the effective limit.
 */
public enum AdjustmentKind {
    /** Extra messages for the day: raises the effective limit by {@code amount}. */
    GRANT {
        @Override
        public int usageAfter(int used, int amount, int limit) {
            return used;
        }
    },
    /** Gives units back; clamped at 0, so the applied delta may be smaller than asked. */
    REFUND {
        @Override
        public int usageAfter(int used, int amount, int limit) {
            return Math.max(0, used - amount);
        }
    },
    /** Consumes units without messages (e.g. usage through another channel); clamped at the limit. */
    CHARGE {
        @Override
        public int usageAfter(int used, int amount, int limit) {
            return (int) Math.max(used, Math.min((long) limit, (long) used + amount));
        }
    },
    /** Gives the whole day back. */
    RESET {
        @Override
        public int usageAfter(int used, int amount, int limit) {
            return 0;
        }

        @Override
        public boolean takesAmount() {
            return false;
        }

        @Override
        public boolean needsConfirmation() {
            return true;
        }
    },
    /** Sets the counter to an exact value between 0 and the effective limit. */
    SET {
        @Override
        public int usageAfter(int used, int amount, int limit) {
            if (amount > limit) {
                throw new QuotaException(ErrorCode.INVALID_QUOTA_STATE,
                        "cannot set usage to " + amount + ": above the effective limit of " + limit,
                        java.util.Map.of("requested", amount, "limit", limit));
            }
            return amount;
        }

        @Override
        public boolean allowsZero() {
            return true;
        }

        @Override
        public boolean needsConfirmation() {
            return true;
        }
    },
    /** The reconciler's repair: the counter follows the message log, whatever the limit. */
    RECONCILE {
        @Override
        public int usageAfter(int used, int amount, int limit) {
            return amount;
        }

        @Override
        public boolean allowsZero() {
            return true;
        }
    };

    /** The counter after applying this adjustment of {@code amount} to {@code used} under {@code limit}. */
    public abstract int usageAfter(int used, int amount, int limit);

    /** The delta recorded in the audit trail: what the adjustment really changed. */
    public int appliedDelta(int used, int amount, int limit) {
        return this == GRANT ? amount : usageAfter(used, amount, limit) - used;
    }

    public boolean takesAmount() {
        return true;
    }

    public boolean allowsZero() {
        return false;
    }

    /** Whether this kind throws away usage that no message log can bring back, so a person must confirm it. */
    public boolean needsConfirmation() {
        return false;
    }

    /** Whether this kind changes usage (as opposed to the limit); the reconciler's expected value sums these. */
    public boolean changesUsage() {
        return this != GRANT && this != RECONCILE;
    }

    /**
     * The codes of the kinds that {@link #changesUsage() change usage}, to bind as a
     * {@code text[]} wherever SQL sums a day's usage adjustments: the one list every such
     * query uses (the invariants check, the repair, the reconciler).
     */
    public static String[] usageChangingCodes() {
        return Arrays.stream(values()).filter(AdjustmentKind::changesUsage).map(AdjustmentKind::code).toArray(String[]::new);
    }

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static AdjustmentKind fromCode(String code) {
        return Arrays.stream(values())
                .filter(kind -> kind.code().equals(code))
                .findFirst()
                .orElseThrow(() -> QuotaException.invalidInput("unknown adjustment kind '" + code + "'"));
    }
}
