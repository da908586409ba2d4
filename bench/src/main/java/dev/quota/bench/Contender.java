package dev.quota.bench;

/**
 * One side of the paired comparisons: a strategy in this JVM, or pgbench running one of the
 * database's ceilings on the same server. Each runs for a trial at a time, in turn with the
 * others, in a schema of its own.
 */
interface Contender extends AutoCloseable {

    /** A strategy of the toolkit, called through the chat path in this JVM. */
    String STRATEGY = "strategy";
    /** pgbench running the atomic strategy's exact chat-path SQL, one message a transaction. */
    String PER_MESSAGE = "per-message ceiling";
    /** pgbench calling {@code quota.consume} and storing the message, as a backend in another language does. */
    String FUNCTION = "quota.consume ceiling";
    /** pgbench running group commit's own batch statement at the batch size the strategy reached. */
    String BATCHED = "batched ceiling";

    String kind();

    String name();

    /** The connections it works through: the strategy's busy connections, or pgbench's clients. */
    int clients();

    /** A batched ceiling's messages a transaction; null for any other. */
    default Integer batch() {
        return null;
    }

    /** Runs for {@code seconds} and says what it served. */
    PairedRun.Trial run(int round, int position, int seconds) throws Exception;

    /** Fails when its schema breaks an invariant: a fast wrong contender never counts. */
    void checkInvariants();

    @Override
    void close();

    /** How the report names a contender. */
    static String label(String kind, String name, int clients, Integer batch) {
        return switch (kind) {
            case STRATEGY -> name;
            case BATCHED -> "pgbench, batches of " + batch + " x" + clients;
            default -> "pgbench, " + name + " x" + clients;
        };
    }
}
