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
     * what was read and the units held for replies being written, else {@code write} the new
     * value and accept if the write says it went in.
     */
    public static Decision ifWithinLimit(int used, int held, int units, int limit, java.util.function.IntPredicate write) {
        if (!fits(used, held, units, limit)) {
            return refused(used);
        }
        return write.test(used + units) ? accepted(used + units) : refused(used);
    }

    /** The rule of every admission: what is consumed, what is held and what is asked stay within the limit. */
    public static boolean fits(int used, int held, int units, int limit) {
        return (long) used + held + units <= limit;
    }
}
