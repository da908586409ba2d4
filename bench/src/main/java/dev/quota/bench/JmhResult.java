package dev.quota.bench;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Map;

/**
 * One result of JMH's JSON output ({@code -rf json}), bound by Jackson: only what the report
 * reads. See JMH's {@code JSONResultFormat} for the whole document.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record JmhResult(String benchmark, String mode, int threads, Map<String, String> params, PrimaryMetric primaryMetric) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    record PrimaryMetric(double score, String scoreUnit, Map<String, Double> scorePercentiles) {

        /** A sample-time percentile, in milliseconds whatever the unit JMH used. */
        double percentileMillis(String percentile) {
            double toMillis = scoreUnit.startsWith("s/") ? 1000 : scoreUnit.startsWith("ms/") ? 1 : 0.001;
            return scorePercentiles.getOrDefault(percentile, 0.0) * toMillis;
        }
    }

    String param(String name) {
        return params == null ? "" : params.getOrDefault(name, "");
    }

    boolean of(String benchmarkClass) {
        return benchmark.contains(benchmarkClass);
    }
}
