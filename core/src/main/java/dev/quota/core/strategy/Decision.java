package dev.quota.core.strategy;

/**
 * What a strategy decided for one consumption.
 *
 * @param used the counter after the consumption when accepted; when refused, the value the
 *             strategy saw, or {@link #UNKNOWN} when its statement did not say
 */
public record Decision(boolean accepted, int used) {

    public static final int UNKNOWN = -1;

    public static Decision accepted(int usedAfter) {
        return new Decision(true, usedAfter);
    }

    public static Decision refused(int usedSeen) {
        return new Decision(false, usedSeen);
    }
}
