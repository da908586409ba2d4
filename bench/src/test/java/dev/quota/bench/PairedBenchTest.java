package dev.quota.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quota.core.db.DatabaseConfig;
import dev.quota.core.testing.SharedPostgres;
import dev.quota.core.workload.Workload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PairedBenchTest {

    private static final DatabaseConfig SERVER = SharedPostgres.get().server().config();

    @Test
    void givenTwoStrategies_whenRunPaired_thenEachRunsOneTrialEveryRoundInAShuffledOrder(@TempDir Path dir) throws Exception {
        PairedBench.Options options = new PairedBench.Options(dir.resolve("paired.json"), 3, 1, 1, List.of(4), List.of(Workload.hot),
                List.of("atomic", "group-commit"), 11, false);

        PairedRun run = PairedBench.run(options, SERVER);

        assertThat(run.serverVersion()).matches("\\d+(\\.\\d+)?.*");
        PairedRun.Cell cell = run.cells().get(0);
        assertThat(cell.contenders()).extracting(PairedRun.Contestant::name).containsExactly("atomic", "group-commit");
        for (PairedRun.Contestant contestant : cell.contenders()) {
            assertThat(contestant.trials()).extracting(PairedRun.Trial::round).containsExactly(0, 1, 2);
            assertThat(contestant.trials()).allSatisfy(t -> assertThat(t.opsPerSecond()).isPositive());
        }
        for (int round = 0; round < 3; round++) {
            int r = round;
            assertThat(cell.contenders()).extracting(c -> c.trials().get(r).position()).containsExactlyInAnyOrder(0, 1);
        }
        assertThat(cell.strategy("group-commit").orElseThrow().trials()).allSatisfy(t -> assertThat(t.meanBatch()).isNotNull());
    }

    @Test
    void givenNoOptions_whenParsed_thenEveryStrategyRunsAgainstTheCeilingsOnBothWorkloadsAtSixteenThreadsAndOne() {
        PairedBench.Options options = PairedBench.Options.parse(new String[] {"out.json"});

        assertThat(options.strategies()).containsExactlyElementsOf(dev.quota.core.strategy.Strategies.NAMES);
        assertThat(options.threads()).containsExactly(16, 1);
        assertThat(options.workloads()).containsExactly(Workload.hot, Workload.uniform);
        assertThat(options.ceilings()).isTrue();
    }

    @Test
    void givenABadNumberOrAnUnknownWorkload_whenParsed_thenTheErrorNamesTheOption() {
        assertThatThrownBy(() -> PairedBench.Options.parse(new String[] {"out.json", "--rounds", "ten"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("PairedBench: --rounds must be a whole number, got 'ten'");
        assertThatThrownBy(() -> PairedBench.Options.parse(new String[] {"out.json", "--trial-seconds", "0"}))
                .hasMessage("PairedBench: --trial-seconds must be a positive whole number, got 0");
        assertThatThrownBy(() -> PairedBench.Options.parse(new String[] {"out.json", "--workloads", "hot,spiky"}))
                .hasMessage("PairedBench: unknown workload 'spiky': hot, uniform or zipf");
    }

    @Test
    void givenStrategiesWithoutAtomic_whenParsed_thenTheyAreRefused() {
        assertThatThrownBy(() -> PairedBench.Options.parse(new String[] {"out.json", "--strategies", "group-commit"}))
                .hasMessageContaining("must name it");
    }

    @Test
    void givenAPairedRun_whenWrittenAndReadBack_thenItsComparisonsAreTheSame(@TempDir Path dir) throws Exception {
        PairedRun run = PairedComparisonTest.run(new double[] {1000, 1100}, new double[] {3000, 3200}, new double[] {2000, 2100});
        Path file = dir.resolve(PairedRun.FILE);

        run.write(file);

        assertThat(Files.readString(file)).contains("\"ops_per_second\"");
        assertThat(PairedComparison.of(PairedRun.read(file))).extracting(PairedComparison::key, c -> c.ratios().length)
                .isEqualTo(PairedComparison.of(run).stream().map(c -> org.assertj.core.groups.Tuple.tuple(c.key(), c.ratios().length)).toList());
    }

    @Test
    void givenASeededTemplate_whenCopiedTwice_thenEachCopyIsADatabaseOfItsOwn() {
        try (SeededTemplate seed = SeededTemplate.seed(SERVER, 10, 100);
                BenchTarget first = seed.copy(2);
                BenchTarget second = seed.copy(2)) {
            first.database.jdbi().useHandle(h -> h.execute("UPDATE user_daily_quota_usages SET used_count = used_count + 1"));

            assertThat(usage(first)).isEqualTo(20);
            assertThat(usage(second)).isEqualTo(10);
        }
    }

    @Test
    void givenACopyWhoseCounterIsOffItsMessages_whenItsInvariantsAreRequired_thenItFailsNamingTheContender() {
        try (SeededTemplate seed = SeededTemplate.seed(SERVER, 3, 100); BenchTarget copy = seed.copy(2)) {
            copy.database.jdbi().useHandle(h -> h.execute("""
                    INSERT INTO user_daily_quota_usages (user_id, quota_date, used_count)
                    SELECT id, CAST(now() AT TIME ZONE 'UTC' AS date), 5 FROM users ORDER BY id LIMIT 1
                    """));

            assertThatThrownBy(() -> copy.requireInvariants("the contender under test", true))
                    .hasMessageContaining("INVARIANT BROKEN by the contender under test");
        }
    }

    @Test
    void givenADatabaseAKilledRunLeft_whenLeftoversAreDropped_thenItGoesAndALiveRunsStays() {
        String dead = "bench_copy_" + deadProcess() + "_1";
        String live = "bench_copy_" + ProcessHandle.current().pid() + "_" + 1_000_000;
        SharedPostgres.get().execute("postgres", "CREATE DATABASE " + dead);
        SharedPostgres.get().execute("postgres", "CREATE DATABASE " + live);
        try {
            assertThat(SeededTemplate.dropLeftovers(SERVER)).contains(dead).doesNotContain(live);
            assertThat(SeededTemplate.dropLeftovers(SERVER)).doesNotContain(dead, live);
        } finally {
            SharedPostgres.get().execute("postgres", "DROP DATABASE IF EXISTS " + dead);
            SharedPostgres.get().execute("postgres", "DROP DATABASE IF EXISTS " + live);
        }
    }

    /** A process id no process on this host has. */
    private static long deadProcess() {
        long pid = 2_000_000_000L;
        while (ProcessHandle.of(pid).isPresent()) {
            pid++;
        }
        return pid;
    }

    private static int usage(BenchTarget target) {
        return target.database.jdbi().withHandle(h -> h.createQuery("SELECT sum(used_count) FROM user_daily_quota_usages").mapTo(Integer.class).one());
    }
}
