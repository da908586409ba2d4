package dev.quota.bench;

import dev.quota.core.UserKey;
import dev.quota.core.UserKeyType;
import dev.quota.core.strategy.ChatPath;
import dev.quota.core.strategy.Strategies;
import dev.quota.core.workload.Workload;
import org.jdbi.v3.core.Jdbi;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * What a product keyed by uuid (the FastAPI template's choice) pays against one keyed by
 * bigint: the SQL API's {@code quota.consume} and group commit on the chat path, the users
 * keyed each way in the same run, on the same workload. The users are drawn by index from
 * their keys as the stand-in generated them, so both key types see the same access pattern.
 */
public class UserKeyBenchmark extends DatabaseBenchmark {

    @Param({"sql-function", "group-commit"})
    public String strategy;

    @Param({"bigint", "uuid"})
    public String keys;

    @Param({"uniform"})
    public Workload workload;

    private UserKey[] userKeys;
    private Workload.Sampler sampler;

    @Override
    int users() {
        return BenchTarget.users(workload);
    }


    @Override
    UserKeyType keys() {
        return UserKeyType.ofSqlType(keys);
    }

    @Override
    ChatPath openChatPath(Jdbi jdbi) {
        sampler = workload.sampler(users());
        userKeys = jdbi.withHandle(handle -> handle.createQuery("SELECT id FROM users ORDER BY id").mapTo(UserKey.class).list())
                .toArray(UserKey[]::new);
        return Strategies.open(strategy, jdbi);
    }

    @Override
    String describe() {
        return strategy + " by " + keys + " on " + workload;
    }

    @Benchmark
    public Object consume(Caller caller) {
        String user = userKeys[sampler.next(caller.random)].toString();
        return refusalCounts(() -> chat.acceptMessage(user, null));
    }
}
