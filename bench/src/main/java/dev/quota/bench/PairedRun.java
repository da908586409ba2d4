package dev.quota.bench;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What one paired run measured ({@code paired.json}, written by {@link PairedBench}): every
 * trial of every contender, round by round, so that the report and {@link PairedAgreement}
 * compute their ratios from the same raw figures.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record PairedRun(Settings settings, String serverVersion, List<Cell> cells) {

    static final String FILE = "paired.json";

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .enable(SerializationFeature.INDENT_OUTPUT);

    /** How the run was made: rounds, each trial's length, the warm-up pass, the seed of the orders. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Settings(int rounds, int trialSeconds, int warmupSeconds, long seed) {
    }

    /** One workload at one thread count: its contenders ran in turn, round after round. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Cell(String workload, int threads, List<Contestant> contenders) {

        Optional<Contestant> find(String kind, String name, int clients) {
            return contenders.stream().filter(c -> c.kind().equals(kind) && c.name().equals(name) && c.clients() == clients).findFirst();
        }

        Optional<Contestant> strategy(String name) {
            return contenders.stream().filter(c -> c.kind().equals(Contender.STRATEGY) && c.name().equals(name)).findFirst();
        }

        Optional<Contestant> ofKind(String kind) {
            return contenders.stream().filter(c -> c.kind().equals(kind)).findFirst();
        }
    }

    /** A contender's trials in a cell; {@code clients} are the connections it works through, {@code batch} a batched ceiling's size. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Contestant(String kind, String name, int clients, Integer batch, List<Trial> trials) {

        String label() {
            return Contender.label(kind, name, clients, batch);
        }
    }

    /**
     * One trial: its round and its place in that round's order, what it served a second, and
     * (for the JVM's strategies) its latency percentiles and, when it batches, its mean batch.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Trial(int round, int position, double opsPerSecond, Double p50Millis, Double p99Millis, Double meanBatch) {
    }

    void write(Path file) throws IOException {
        JSON.writeValue(file.toFile(), this);
    }

    static PairedRun read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), PairedRun.class);
    }
}
