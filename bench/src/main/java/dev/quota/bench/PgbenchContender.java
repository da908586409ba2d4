package dev.quota.bench;

import dev.quota.core.workload.Workload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * pgbench running one of the database's ceilings ({@link PgbenchCeiling}'s scripts) on the
 * paired run's server, in a schema of its own seeded as the strategies' are. A trial is one
 * pgbench run; what it served a second is its transactions a second times the messages of
 * each.
 */
final class PgbenchContender implements Contender {

    private final String kind;
    private final String name;
    private final int clients;
    private final int batch;
    private final Path script;
    private final Workload workload;
    private final BenchTarget target;

    private PgbenchContender(String kind, String name, int clients, int batch, String script, Workload workload, SeededTemplate seed)
            throws IOException {
        this.kind = kind;
        this.name = name;
        this.clients = clients;
        this.batch = batch;
        this.script = Files.createTempFile("paired-ceiling", ".sql");
        Files.writeString(this.script, script);
        this.workload = workload;
        this.target = seed.copy(1);
    }

    /** The atomic strategy's chat-path transaction, one message each. */
    static PgbenchContender perMessage(SeededTemplate seed, Workload workload, int clients) throws IOException {
        return new PgbenchContender(PER_MESSAGE, "per-message", clients, 1, PgbenchCeiling.script(), workload, seed);
    }

    /** {@code quota.consume} and the message, as a backend in another language sends them. */
    static PgbenchContender function(SeededTemplate seed, Workload workload, int clients) throws IOException {
        return new PgbenchContender(FUNCTION, "quota.consume", clients, 1, PgbenchCeiling.functionScript(), workload, seed);
    }

    /** Group commit's batch statement, {@code batch} messages a transaction. */
    static PgbenchContender batched(SeededTemplate seed, Workload workload, int clients, int batch) throws IOException {
        return new PgbenchContender(BATCHED, "group commit's batch", clients, batch, PgbenchCeiling.batchScript(batch), workload, seed);
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int clients() {
        return clients;
    }

    @Override
    public Integer batch() {
        return kind.equals(BATCHED) ? batch : null;
    }

    @Override
    public PairedRun.Trial run(int round, int position, int seconds) throws Exception {
        double tps = PgbenchCeiling.run(target.database.config(), target.schemas.searchPath(), script, clients, seconds, BenchTarget.users(workload),
                workload.name());
        return new PairedRun.Trial(round, position, tps * batch, null, null, null);
    }

    @Override
    public void checkInvariants() {
        target.requireInvariants(Contender.label(kind, name, clients, batch()), true);
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(script);
        } catch (IOException e) {
            // a temporary file left behind is not worth failing the run for
        } finally {
            target.close();
        }
    }
}
