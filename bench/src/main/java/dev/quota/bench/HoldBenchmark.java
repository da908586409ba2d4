package dev.quota.bench;

import dev.quota.core.strategy.ChatPath;
import dev.quota.core.workload.Workload;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * What holding the quota while a reply is written costs the backend: one message through
 * {@code quota.consume} (consume and store in one transaction) against the same message
 * through a hold ({@code quota.reserve} in a transaction of its own, then the message stored
 * and {@code quota.settle}d in a second), as a backend calls them over JDBC, with no model
 * in between. Every message is delivered: the cost of the second transaction and the hold's
 * row, not of failures.
 */
public class HoldBenchmark extends DatabaseBenchmark {

    @Param({"consume", "reserve-settle"})
    public String flow;

    @Param({"uniform"})
    public Workload workload;

    private Workload.Sampler sampler;
    private final AtomicLong requests = new AtomicLong();
    private String consume;
    private String reserve;
    private String settle;

    @Override
    int users() {
        return BenchTarget.users(workload);
    }


    @Override
    ChatPath openChatPath(Jdbi jdbi) {
        sampler = workload.sampler(users());
        consume = "SELECT accepted FROM " + target.schemas.inToolkit("consume") + "(:u, 1, :r)";
        reserve = "SELECT accepted FROM " + target.schemas.inToolkit("reserve") + "(:u, 1, :r)";
        settle = "SELECT settled FROM " + target.schemas.inToolkit("settle") + "(:u, :r, 1)";
        return null;
    }

    @Override
    String describe() {
        return flow + " on " + workload;
    }

    @Benchmark
    public Object message(Caller caller) {
        long user = 1L + sampler.next(caller.random);
        String requestId = "h-" + requests.incrementAndGet();
        Jdbi jdbi = target.database.jdbi();
        if (flow.equals("consume")) {
            return jdbi.inTransaction(handle -> call(handle, consume, user, requestId) && store(handle, user, requestId));
        }
        if (!jdbi.inTransaction(handle -> call(handle, reserve, user, requestId))) {
            throw new IllegalStateException("a hold was refused under a limit no run reaches");
        }
        return jdbi.inTransaction(handle -> store(handle, user, requestId) && call(handle, settle, user, requestId));
    }

    private static boolean call(Handle handle, String sql, long user, String requestId) {
        return handle.createQuery(sql).bind("u", user).bind("r", requestId).mapTo(Boolean.class).one();
    }

    private static boolean store(Handle handle, long user, String requestId) {
        return handle.createUpdate("INSERT INTO chat_messages (user_id, role, request_id) VALUES (:u, 'user', :r)")
                .bind("u", user).bind("r", requestId).execute() == 1;
    }
}
