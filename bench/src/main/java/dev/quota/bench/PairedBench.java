package dev.quota.bench;

import dev.quota.core.QuotaException;
import dev.quota.core.db.DatabaseConfig;
import dev.quota.core.db.EmbeddedDatabase;
import dev.quota.core.strategy.GroupCommitChatPath;
import dev.quota.core.strategy.SqlFunctionChatPath;
import dev.quota.core.strategy.Strategies;
import dev.quota.core.workload.Workload;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

/**
 * The paired mode of the bench: in each cell (a workload at a thread count) every contender
 * (each strategy, and pgbench running the database's ceilings) is opened once, warmed up in
 * one shared pass, then run for one short trial per round, in an order shuffled anew every
 * round. A ratio is taken within each round, so that what drifts over minutes on a shared
 * host (the CPU the neighbours leave, the tables growing, the JIT) moves both sides of it
 * alike; the report gives the median ratio over the rounds with a bootstrap interval
 * ({@link RatioEstimate}). See Kalibera and Jones, "Rigorous Benchmarking in Reasonable
 * Time" (ISMM 2013). A checkpoint precedes every trial, so none pays for another's writes.
 *
 * <p>Usage: {@code PairedBench <out.json> [--rounds N] [--trial-seconds S] [--warmup-seconds S]
 * [--threads 16,1] [--workloads hot,uniform] [--strategies a,b,..] [--seed N] [--no-ceilings]};
 * the defaults are the quick profile's (10 rounds of 1 s trials after a 2 s warm-up, every
 * strategy, hot and uniform at 16 threads and 1).
 * The server is {@code QUOTA_DB_URL}'s, or an embedded one started for the run. The ceilings
 * need {@code pgbench} on the PATH; without it they are left out, and said to be.
 */
public final class PairedBench {

    private final Options options;
    private final DatabaseConfig server;
    private boolean jvmWarm;

    private PairedBench(Options options, DatabaseConfig server) {
        this.options = options;
        this.server = server;
    }

    /** What to run, from the command line. */
    record Options(Path out, int rounds, int trialSeconds, int warmupSeconds, List<Integer> threads, List<Workload> workloads,
            List<String> strategies, long seed, boolean ceilings) {

        static Options parse(String[] args) {
            if (args.length == 0 || args[0].startsWith("--")) {
                throw new IllegalArgumentException("usage: PairedBench <out.json> [--rounds N] [--trial-seconds S] [--warmup-seconds S] "
                        + "[--threads 16,1] [--workloads hot,uniform] [--strategies a,b,..] [--seed N] [--no-ceilings]");
            }
            Map<String, String> flags = new LinkedHashMap<>();
            for (int i = 1; i < args.length; i++) {
                if (args[i].equals("--no-ceilings")) {
                    flags.put("no-ceilings", "");
                } else if (args[i].startsWith("--") && i + 1 < args.length) {
                    flags.put(args[i].substring(2), args[++i]);
                } else {
                    throw new IllegalArgumentException("PairedBench: unexpected argument " + args[i]);
                }
            }
            List<String> strategies = list(flags.remove("strategies"), String.join(",", Strategies.NAMES)).stream()
                    .map(Strategies::canonical).toList();
            if (!strategies.contains("atomic")) {
                throw new IllegalArgumentException("PairedBench: every ratio is also taken against atomic, so --strategies must name it");
            }
            Options options = new Options(Path.of(args[0]),
                    positive(flags, "rounds", "10"),
                    positive(flags, "trial-seconds", "1"),
                    positive(flags, "warmup-seconds", "2"),
                    list(flags.get("threads"), "16,1").stream().map(t -> positive("threads", t)).toList(),
                    list(flags.get("workloads"), "hot,uniform").stream().map(Options::workload).toList(),
                    strategies,
                    whole("seed", flags.getOrDefault("seed", "20131023")),
                    !flags.containsKey("no-ceilings"));
            flags.keySet().removeAll(List.of("rounds", "trial-seconds", "warmup-seconds", "threads", "workloads", "seed", "no-ceilings"));
            if (!flags.isEmpty()) {
                throw new IllegalArgumentException("PairedBench: unknown option --" + flags.keySet().iterator().next());
            }
            return options;
        }

        Options withoutCeilings() {
            return new Options(out, rounds, trialSeconds, warmupSeconds, threads, workloads, strategies, seed, false);
        }

        private static int positive(Map<String, String> flags, String name, String otherwise) {
            return positive(name, flags.getOrDefault(name, otherwise));
        }

        private static int positive(String name, String value) {
            long number = whole(name, value);
            if (number < 1 || number > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("PairedBench: --" + name + " must be a positive whole number, got " + value);
            }
            return (int) number;
        }

        private static long whole(String name, String value) {
            try {
                return Long.parseLong(value.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("PairedBench: --" + name + " must be a whole number, got '" + value + "'");
            }
        }

        private static Workload workload(String name) {
            try {
                return Workload.valueOf(name);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("PairedBench: unknown workload '" + name + "': hot, uniform or zipf");
            }
        }

        private static List<String> list(String value, String otherwise) {
            return Arrays.stream((value == null ? otherwise : value).split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        }
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException | QuotaException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        if (options.ceilings() && !pgbenchOnPath()) {
            System.err.println("paired: pgbench is not on the PATH: the run has no ceilings");
            options = options.withoutCeilings();
        }
        DatabaseConfig shared = BenchTarget.sharedConfig();
        try (EmbeddedDatabase embedded = shared == null ? BenchTarget.startServer() : null) {
            DatabaseConfig server = shared != null ? shared : embedded.config();
            if (SeededTemplate.isCitusCoordinator(server)) {
                System.err.println("paired: the server is a Citus coordinator, and the paired mode copies a database for each contender,"
                        + " which Citus does not distribute: run the JMH benchmarks against it instead (docs/scaling.md)");
                System.exit(14);
                return;
            }
            List<String> leftovers = SeededTemplate.dropLeftovers(server);
            if (!leftovers.isEmpty()) {
                System.err.println("paired: dropped " + leftovers.size() + " database(s) that killed runs left: " + String.join(", ", leftovers));
            }
            run(options, server).write(options.out());
        }
        System.err.println("paired: wrote " + options.out());
    }

    /** Runs every cell and returns what they measured. */
    static PairedRun run(Options options, DatabaseConfig server) throws Exception {
        return new PairedBench(options, server).run();
    }

    private PairedRun run() throws Exception {
        List<PairedRun.Cell> cells = new ArrayList<>();
        Map<Workload, SeededTemplate> seeds = new LinkedHashMap<>();
        try {
            for (int threads : options.threads()) {
                for (Workload workload : options.workloads()) {
                    cells.add(cell(seeds.computeIfAbsent(workload,
                            w -> SeededTemplate.seed(server, BenchTarget.users(w), DatabaseBenchmark.Limits.accept.limit)), workload, threads));
                }
            }
        } finally {
            seeds.values().forEach(SeededTemplate::close);
        }
        return new PairedRun(new PairedRun.Settings(options.rounds(), options.trialSeconds(), options.warmupSeconds(), options.seed()),
                SeededTemplate.serverVersion(server), cells);
    }

    private PairedRun.Cell cell(SeededTemplate seed, Workload workload, int threads) throws Exception {
        long cellSeed = options.seed() * 31 + workload.ordinal() * 1_000L + threads;
        List<Contender> contenders = new ArrayList<>();
        Map<Contender, List<PairedRun.Trial>> trials = new LinkedHashMap<>();
        try {
            for (String strategy : options.strategies()) {
                contenders.add(StrategyContender.open(seed, strategy, workload, threads, cellSeed + contenders.size()));
            }
            if (options.ceilings()) {
                for (int clients : perMessageClients(threads)) {
                    contenders.add(PgbenchContender.perMessage(seed, workload, clients));
                }
                if (options.strategies().contains(SqlFunctionChatPath.NAME)) {
                    contenders.add(PgbenchContender.function(seed, workload, BenchConnections.of(SqlFunctionChatPath.NAME, threads)));
                }
            }
            // the first cell also warms the JVM up: its code for every strategy is compiled in the first pass
            int passes = jvmWarm ? 1 : 2;
            jvmWarm = true;
            say(workload, threads, "warm-up, " + passes + " x " + options.warmupSeconds() + " s each");
            for (Contender contender : List.copyOf(contenders)) {
                PairedRun.Trial warm = null;
                for (int pass = 0; pass < passes; pass++) {
                    warm = contender.run(-1, 0, options.warmupSeconds());
                }
                if (options.ceilings() && threads > 1 && contender.kind().equals(Contender.STRATEGY)
                        && contender.name().equals(GroupCommitChatPath.NAME) && warm.meanBatch() != null) {
                    // the batched ceiling runs group commit's statement at the batch size the strategy reached warm
                    Contender batched = PgbenchContender.batched(seed, workload, contender.clients(),
                            Math.max(1, (int) Math.round(warm.meanBatch())));
                    contenders.add(batched);
                    batched.run(-1, 0, options.warmupSeconds());
                }
            }
            contenders.forEach(c -> trials.put(c, new ArrayList<>()));
            BenchTarget any = anyTarget(contenders);
            for (int round = 0; round < options.rounds(); round++) {
                List<Contender> order = new ArrayList<>(contenders);
                Collections.shuffle(order, new Random(cellSeed * 7919 + round));
                long began = System.nanoTime();
                StringBuilder line = new StringBuilder("round " + (round + 1) + "/" + options.rounds() + ":");
                for (int position = 0; position < order.size(); position++) {
                    Contender contender = order.get(position);
                    any.checkpoint();
                    PairedRun.Trial trial = contender.run(round, position, options.trialSeconds());
                    trials.get(contender).add(trial);
                    line.append(String.format(Locale.ROOT, " %s %,.0f;", Contender.label(contender.kind(), contender.name(),
                            contender.clients(), contender.batch()), trial.opsPerSecond()));
                }
                say(workload, threads, line.append(String.format(Locale.ROOT, " (%.1f s)", (System.nanoTime() - began) / 1e9)).toString());
            }
            for (Contender contender : contenders) {
                contender.checkInvariants();
            }
        } finally {
            closeAll(contenders);
        }
        List<PairedRun.Contestant> measured = new ArrayList<>();
        trials.forEach((c, list) -> measured.add(new PairedRun.Contestant(c.kind(), c.name(), c.clients(), c.batch(), List.copyOf(list))));
        return new PairedRun.Cell(workload.name(), threads, measured);
    }

    /** The per-message ceiling at every strategy's connections: each is held to the one with as many clients. */
    private List<Integer> perMessageClients(int threads) {
        TreeSet<Integer> clients = new TreeSet<>();
        for (String strategy : options.strategies()) {
            if (!strategy.equals(SqlFunctionChatPath.NAME)) {
                clients.add(BenchConnections.of(strategy, threads));
            }
        }
        return List.copyOf(clients);
    }

    private static BenchTarget anyTarget(List<Contender> contenders) {
        for (Contender contender : contenders) {
            if (contender instanceof StrategyContender strategy) {
                return strategy.target();
            }
        }
        throw new IllegalStateException("a paired cell needs a strategy");
    }

    private static void closeAll(List<Contender> contenders) {
        RuntimeException first = null;
        for (Contender contender : contenders) {
            try {
                contender.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private static void say(Workload workload, int threads, String what) {
        System.err.printf(Locale.ROOT, "paired: %s, %d thread%s: %s%n", workload, threads, threads == 1 ? "" : "s", what);
    }

    private static boolean pgbenchOnPath() {
        try {
            Process process = new ProcessBuilder("pgbench", "--version").redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
