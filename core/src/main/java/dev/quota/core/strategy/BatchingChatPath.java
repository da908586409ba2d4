package dev.quota.core.strategy;

/** A chat path that serves several messages per transaction, and says how many it reached. */
public interface BatchingChatPath extends ChatPath {

    /** Transactions run so far. */
    long transactions();

    /** Messages those transactions served. */
    long served();

    /** Messages per transaction so far; 0 before the first. */
    default double meanBatchSize() {
        long transactions = transactions();
        return transactions == 0 ? 0 : (double) served() / transactions;
    }
}
