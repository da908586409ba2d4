package dev.quota.reconciler;

import dev.quota.core.QuotaException;
import java.util.Locale;

/** Report drift only, or also repair what a counter change can fix. */
public enum ReconcileMode {
    REPORT, REPAIR;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ReconcileMode fromCode(String code) {
        for (ReconcileMode mode : values()) {
            if (mode.code().equalsIgnoreCase(code == null ? "" : code.strip())) {
                return mode;
            }
        }
        throw QuotaException.invalidInput("unknown mode '" + code + "' (expected report or repair)");
    }
}
