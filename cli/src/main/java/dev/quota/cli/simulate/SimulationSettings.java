package dev.quota.cli.simulate;

import dev.quota.core.QuotaException;
import dev.quota.core.db.MessagesDistribution;
import dev.quota.core.workload.Workload;

/**
 * @param requests total acceptMessage calls across all threads
 * @param limit    every simulated user's daily limit
 * @param keep     keep the throw-away schema afterwards, for inspection
 * @param replies  how a message is charged when its reply takes time
 * @param messages how the throw-away stand-in's messages are distributed on a Citus coordinator
 */
public record SimulationSettings(int users, long requests, int threads, int limit, Workload distribution,
                                 boolean chaos, long seed, boolean keep, ReplySettings replies, MessagesDistribution messages) {

    /** Replies as {@code replies} says, the messages distributed by user on a Citus coordinator. */
    public SimulationSettings(int users, long requests, int threads, int limit, Workload distribution, boolean chaos, long seed,
                              boolean keep, ReplySettings replies) {
        this(users, requests, threads, limit, distribution, chaos, seed, keep, replies, MessagesDistribution.BY_USER);
    }

    /** Messages consumed at once, no replies. */
    public SimulationSettings(int users, long requests, int threads, int limit, Workload distribution, boolean chaos, long seed,
                              boolean keep) {
        this(users, requests, threads, limit, distribution, chaos, seed, keep, ReplySettings.NONE);
    }

    public SimulationSettings {
        if (users < 1 || users > 1_000_000) {
            throw QuotaException.invalidInput("--users must be between 1 and 1000000, got " + users);
        }
        if (requests < 1 || requests > 100_000_000) {
            throw QuotaException.invalidInput("--requests must be between 1 and 100000000, got " + requests);
        }
        if (threads < 1 || threads > 256) {
            throw QuotaException.invalidInput("--threads must be between 1 and 256, got " + threads);
        }
        if (limit < 1) {
            throw QuotaException.invalidInput("--limit must be positive, got " + limit);
        }
    }
}
