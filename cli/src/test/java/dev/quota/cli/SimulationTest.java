package dev.quota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quota.cli.simulate.ReplyMode;
import dev.quota.cli.simulate.ReplySettings;
import dev.quota.cli.simulate.Simulation;
import dev.quota.cli.simulate.SimulationResult;
import dev.quota.cli.simulate.SimulationSettings;
import dev.quota.core.persistence.UsageDao;
import dev.quota.core.strategy.ChatPath;
import dev.quota.core.strategy.CounterKey;
import dev.quota.core.strategy.CounterStep;
import dev.quota.core.strategy.Decision;
import dev.quota.core.strategy.PerMessageChatPath;
import dev.quota.core.strategy.Strategies;
import dev.quota.core.workload.Workload;
import java.time.Duration;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

class SimulationTest extends CliTestBase {

    /** Read, check, write back a constant, with no lock: loses increments and over-accepts under concurrency. */
    static final class UnlockedReadCheckWrite implements CounterStep {
        @Override
        public Decision consume(Handle handle, CounterKey counter, int units, int limit) {
            UsageDao usage = handle.attach(UsageDao.class);
            int used = usage.read(counter.userId(), counter.day().date()).orElse(0);
            if (used + units > limit) {
                return Decision.refused(used);
            }
            try {
                Thread.sleep(1); // widen the race window the way a slow network would
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            usage.upsert(counter.userId(), counter.day().date(), used + units);
            return Decision.accepted(used + units);
        }
    }

    private SimulationResult simulate(Function<Jdbi, ChatPath> strategy, Workload distribution) {
        SimulationSettings settings = new SimulationSettings(5, 600, 8, 40, distribution, false, 7, false);
        return new Simulation(db.config(), strategy, settings, clock).run(done -> { });
    }

    @Test
    void givenTheAtomicStrategy_whenSimulated_thenInvariantsHoldAndBlockedMatchesAttemptsBeyondLimits() {
        SimulationResult result = simulate(jdbi -> Strategies.open("atomic", jdbi), Workload.zipf);

        assertThat(result.problems()).isEmpty();
        assertThat(result.accepted() + result.blocked()).isEqualTo(600);
        assertThat(result.blocked()).isEqualTo(result.expectedBlocked());
        assertThat(result.latency().getTotalCount()).isEqualTo(600);
    }

    @Test
    void givenABrokenStrategy_whenSimulated_thenTheInvariantCheckCatchesIt() {
        SimulationResult result = simulate(jdbi -> new PerMessageChatPath("broken", jdbi, new UnlockedReadCheckWrite()), Workload.hot);

        assertThat(result.passed()).isFalse();
        assertThat(result.problems()).anyMatch(p -> p.contains("differ from their stored messages") || p.contains("above their limit"));
    }

    @Test
    void givenTheCommand_whenRunSmall_thenExit0AndTheThrowAwaySchemaIsGone() {
        CliRun run = quota("simulate", "--users", "5", "--requests", "300", "--threads", "4", "--limit", "20",
                "--strategy", "row-lock", "-o", "json").exits(0);

        assertThat(run.json().at("/data/invariants/passed").asBoolean()).isTrue();
        assertThat(run.json().at("/data/strategy").asText()).isEqualTo("row-lock");
        String schema = run.json().at("/data/schema").asText();
        boolean exists = db.jdbi().withHandle(h -> h.createQuery("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = :s)")
                .bind("s", schema).mapTo(Boolean.class).one());
        assertThat(exists).isFalse();
        assertThat(fixtures.totalMessages()).as("real tables untouched").isZero();
    }

    private SimulationResult simulateReplies(String strategy, ReplySettings replies, boolean chaos) {
        SimulationSettings settings = new SimulationSettings(4, 800, 16, 30, Workload.uniform, chaos, 7, false, replies);
        return new Simulation(db.config(), jdbi -> Strategies.open(strategy, jdbi), settings, clock).run(done -> { });
    }

    @Test
    void givenHoldsWithFailingRepliesKilledCallersAndKilledBackends_whenSimulated_thenNeverAboveTheLimitAndNothingHeldAfterTheTtl() {
        ReplySettings replies = new ReplySettings(ReplyMode.hold, Duration.ofMillis(4), 10, 5, Duration.ofMillis(400));

        SimulationResult result = simulateReplies("group-commit", replies, true);

        assertThat(result.problems()).isEmpty();
        assertThat(result.replies().readings()).isPositive();
        assertThat(result.replies().aboveLimit()).isZero();
        assertThat(result.replies().failed()).isPositive();
        assertThat(result.replies().killed()).isPositive();
        assertThat(result.replies().delivered()).isPositive();
    }

    @Test
    void givenRefundsOfFailedReplies_whenSimulated_thenEveryCounterEqualsItsMessagesLessItsRefunds() {
        ReplySettings replies = new ReplySettings(ReplyMode.refund, Duration.ofMillis(4), 10, 5, Duration.ofMillis(400));

        SimulationResult result = simulateReplies("atomic", replies, false);

        assertThat(result.problems()).isEmpty();
        assertThat(result.replies().failed()).isPositive();
        assertThat(result.invariants().counters()).isEqualTo(4);
    }

    @Test
    void givenReplyFailuresWithoutReplies_whenTheCommandRuns_thenInvalidInputAndNothingSimulated() {
        CliRun run = quota("simulate", "--reply-failures", "10", "--requests", "10").exits(ExitCodes.INVALID);

        assertThat(run.err()).contains("--replies hold or refund");
    }

    @Test
    void givenMessagesByConversationOnOneServer_whenTheCommandRuns_thenRefusedInOneLineAndNoSchemaLeft() {
        CliRun run = quota("simulate", "--messages-by", "conversation", "--requests", "10").exits(ExitCodes.UNSUPPORTED_BY_DATABASE);

        assertThat(run.err().lines().filter(line -> line.startsWith("error")).toList()).singleElement().asString()
                .contains("--messages-by conversation", "Citus coordinator");
        boolean left = db.jdbi().withHandle(h -> h.createQuery("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname LIKE 'quota_sim%')")
                .mapTo(Boolean.class).one());
        assertThat(left).isFalse();
    }

    @Test
    void givenMessagesByAnUnknownKey_whenTheCommandRuns_thenInvalidInputNamingTheKeys() {
        CliRun run = quota("simulate", "--messages-by", "day", "--requests", "10").exits(ExitCodes.INVALID);

        assertThat(run.err()).contains("user or conversation, not day");
    }
}
