package dev.quota.cli.simulate;

/** How a simulated message is charged when its reply takes time and may fail ({@code simulate --replies}). */
public enum ReplyMode {
    /** Consumed at once, no reply: the chat path alone. */
    none,
    /** Reserved before the reply, settled with the message after it, released when it fails. */
    hold,
    /** Consumed and stored before the reply, refunded when it fails: the way without holds. */
    refund
}
