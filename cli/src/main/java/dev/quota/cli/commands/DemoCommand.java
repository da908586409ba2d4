package dev.quota.cli.commands;

import dev.quota.cli.Output;
import dev.quota.cli.ExitCodes;
import dev.quota.cli.Invocation;
import dev.quota.cli.ProgressLine;
import dev.quota.cli.TextTable;
import dev.quota.core.QuotaDay;
import dev.quota.core.db.DeploymentSettings;
import dev.quota.core.db.StandIn;
import dev.quota.core.demo.DemoSeeder;
import dev.quota.core.demo.SeedPlan;
import dev.quota.core.demo.SeedResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true, description = "Load realistic demo data into the embedded database or a stand-in (see 'quota demo seed').", subcommands = DemoCommand.Seed.class)
public final class DemoCommand {

    @Command(name = "seed", mixinStandardHelpOptions = true,
            description = {"Load a realistic synthetic data set with PostgreSQL COPY.",
                    "Plans, users, subscriptions, messages and counters over the last D days (today included),",
                    "optionally with planted drift."})
    static final class Seed implements Callable<Integer> {

        private final Invocation invocation;

        Seed(Invocation invocation) {
            this.invocation = invocation;
        }

        record Seeded(int users, int days, long userMessages, long assistantMessages, long counters, long grants,
                      Map<String, Long> plantedDrift, double elapsedSeconds) {
        }

        @Option(names = "--users", defaultValue = "1000", paramLabel = "N", description = "Users (default: ${DEFAULT-VALUE})")
        int users;

        @Option(names = "--days", defaultValue = "7", paramLabel = "D", description = "Days of history, ending with --last-day (default: ${DEFAULT-VALUE})")
        int days;

        @Option(names = "--messages", defaultValue = "50000", paramLabel = "M", description = "User messages to aim for in total (default: ${DEFAULT-VALUE})")
        long messages;

        @Option(names = "--drift-rate", defaultValue = "0", paramLabel = "R", description = "Share of counters to corrupt on purpose, 0..1 (default: ${DEFAULT-VALUE})")
        double driftRate;

        @Option(names = "--seed", defaultValue = "42", paramLabel = "X", description = "Random seed (default: ${DEFAULT-VALUE})")
        long seed;

        @Option(names = "--last-day", paramLabel = "YYYY-MM-DD", description = "The last day of history (default: today, UTC)")
        String lastDay;

        @Option(names = "--replace", description = "Empty the quota tables first (required when the database already has users)")
        boolean replace;

        @Override
        public Integer call() {
            var database = invocation.session(false).database();
            // an empty database gets the stand-in; a product's own database is refused, never seeded
            StandIn.installIfBehind(database);
            database.jdbi().withHandle(DeploymentSettings::read).requireStandIn("quota demo seed");
            QuotaDay last = lastDay == null ? QuotaDay.today(invocation.clock()) : QuotaDay.parse(lastDay);
            SeedPlan plan = new SeedPlan(users, days, messages, driftRate, seed, last);
            Output output = invocation.output();
            output.note("Seeding " + users + " users over " + days + " days into " + database.describe() + " ...");
            SeedResult result;
            try (ProgressLine progress = invocation.progress()) {
                result = new DemoSeeder(database.dataSource()).seed(plan, replace, progress);
            }
            Seeded data = new Seeded(result.users(), result.days(), result.userMessages(), result.assistantMessages(),
                    result.counters(), result.grants(), result.plantedDrift(), result.elapsed().toMillis() / 1000.0);
            output.result(data, invocation::requestId, out -> {
                List<String[]> lines = new ArrayList<>();
                lines.add(new String[] {"Users", Integer.toString(result.users())});
                lines.add(new String[] {"Days", result.days() + " (ending " + plan.lastDay() + ")"});
                lines.add(new String[] {"User messages", Long.toString(result.userMessages())});
                lines.add(new String[] {"Assistant replies", Long.toString(result.assistantMessages())});
                lines.add(new String[] {"Counters", Long.toString(result.counters())});
                lines.add(new String[] {"Grants", Long.toString(result.grants())});
                lines.add(new String[] {"Planted drift", result.plantedTotal() + " " + result.plantedDrift()});
                lines.add(new String[] {"Loaded in", String.format("%.1f s", result.elapsed().toMillis() / 1000.0)});
                TextTable.keyValues(out, lines);
            });
            return ExitCodes.OK;
        }
    }
}
