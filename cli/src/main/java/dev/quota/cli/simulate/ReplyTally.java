package dev.quota.cli.simulate;

/**
 * What a simulation's replies did ({@code simulate --replies}).
 *
 * @param lateSettles             replies that outlived their hold and were consumed instead
 * @param refusedForFailedReplies refusals given while failed replies alone took the capacity that was missing
 * @param readings                readings of {@code quota.status} by the sampler (holds only)
 * @param aboveLimit              of them, with consumed + held above the limit
 */
public record ReplyTally(ReplyMode mode, long delivered, long failed, long killed, long lateSettles, long refusedForFailedReplies,
                         long readings, long aboveLimit) {
}
