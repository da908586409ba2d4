package dev.quota.core.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;

/**
 * The product's quota metrics. Micrometer names them {@code quota.consumed} and
 * {@code quota.exceeded}; a Prometheus registry exposes them as {@code quota_consumed_total}
 * and {@code quota_exceeded_total}, the names dashboards and alerts use.
 */
public final class QuotaMetrics {

    private final MeterRegistry registry;
    private final Counter consumed;
    private final Counter exceeded;
    private final Counter replayed;
    private final Timer latency;

    public QuotaMetrics(MeterRegistry registry, String strategy) {
        this.registry = registry;
        this.consumed = Counter.builder("quota.consumed").description("Units consumed by accepted messages")
                .tag("strategy", strategy).register(registry);
        this.exceeded = Counter.builder("quota.exceeded").description("Consumptions refused with quota_exceeded")
                .tag("strategy", strategy).register(registry);
        this.replayed = Counter.builder("quota.replayed").description("Retries answered from an already committed request")
                .tag("strategy", strategy).register(registry);
        this.latency = Timer.builder("quota.consume.latency").description("Time to consume or refuse, database included")
                .tag("strategy", strategy).register(registry);
    }

    public static QuotaMetrics unregistered(String strategy) {
        return new QuotaMetrics(new SimpleMeterRegistry(), strategy);
    }

    public MeterRegistry registry() {
        return registry;
    }

    void consumed(int units) {
        consumed.increment(units);
    }

    void exceeded() {
        exceeded.increment();
    }

    void replayed() {
        replayed.increment();
    }

    void latency(Duration duration) {
        latency.record(duration);
    }

    public double consumedTotal() {
        return consumed.count();
    }

    public double exceededTotal() {
        return exceeded.count();
    }
}
