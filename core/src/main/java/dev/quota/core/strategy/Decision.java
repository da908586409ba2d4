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

    /**
     * The read-check-write strategies' last step: refuse when {@code units} do not fit over
     * what was read, else {@code write} the new value and accept.
     */
    public static Decision ifWithinLimit(int used, int units, int limit, java.util.function.IntConsumer write) {
        if ((long) used + units > limit) {
            return refused(used);
        }
        write.accept(used + units);
        return accepted(used + units);
    }
}
