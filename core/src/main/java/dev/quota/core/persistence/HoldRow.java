package dev.quota.core.persistence;

import java.time.Instant;

/**
 * One hold of a user's day ({@code quota.reserve}), as support reads it.
 *
 * @param state        held, settled or released
 * @param expired      held but past its expiry: it no longer counts against the limit
 * @param releasedBy   who released it by hand ({@code quota release}); null when its caller did
 */
public record HoldRow(String requestId, int units, String state, boolean expired, Integer unitsUsed, Integer chargedUnits,
                      String code, Instant createdAt, Instant expiresAt, Instant finishedAt, String releasedBy,
                      String releaseReason) {

    /** Whether it counts against the limit now: held and unexpired. */
    public boolean counting() {
        return state.equals("held") && !expired;
    }
}
