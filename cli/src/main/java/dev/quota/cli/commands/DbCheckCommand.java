package dev.quota.cli.commands;

import dev.quota.cli.ExitCodes;
import dev.quota.cli.Invocation;
import dev.quota.cli.Output;
import dev.quota.cli.ReadUrlOption;
import dev.quota.core.db.ContractCheck;
import dev.quota.core.db.Database;
import dev.quota.core.db.ReadContract;
import dev.quota.reconciler.LedgerScan;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Check the database against the read contract, writing nothing.",
                "It judges the three views with their columns and types, the counter table with its unique key, and an",
                "index for the nightly scan (with the statement to create it), and that each function the toolkit deployed",
                "is this release's text. One line per finding; exit 8 (schema_mismatch) when the toolkit cannot work here,",
                "or not by this release's rules. With --read-url, it judges that standby instead."})
final class DbCheckCommand implements Callable<Integer> {

    private final Invocation invocation;

    DbCheckCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Mixin
    ReadUrlOption readUrl;

    record Checked(String database, boolean usable, List<String> problems, List<String> warnings, List<String> notes) {
    }

    /** What the toolkit does where no statement can join the user messages to the counters (Citus, messages by conversation). */
    static final String MERGED_SCAN = "the user messages are distributed by another key than the user, so no statement joins them to "
            + "the counters: the nightly job reads the two apart and merges them in key order (reconcile --scan merged, which it "
            + "picks by itself); a repair and history count one user's messages on every shard; the SQL API, show and top read "
            + "no message (docs/scaling.md)";

    @Override
    public Integer call() {
        // the primary unless --read-url names a standby to judge (QUOTA_READ_URL alone does not)
        Database database = readUrl.url() == null ? invocation.session(false).database() : invocation.readSession(readUrl, false).database();
        ContractCheck check = ContractCheck.of(database.jdbi(), database.config().schemas());
        Output output = invocation.output();
        if (check.usable()) {
            List<String> notes = new ArrayList<>(check.notes());
            if (database.jdbi().withHandle(LedgerScan::servingHere) == LedgerScan.MERGED) {
                notes.add(MERGED_SCAN);
            }
            output.result(new Checked(database.describe(), true, List.of(), check.warnings(), notes), invocation::requestId, out -> {
                out.println("Read contract holds on " + database.describe() + ": views "
                        + Arrays.stream(ReadContract.View.values()).map(ReadContract.View::viewName).collect(Collectors.joining(", "))
                        + "; counters in " + database.config().schemas().inProduct(ReadContract.COUNTERS));
                check.warnings().forEach(line -> out.println("warning: " + line));
                notes.forEach(line -> out.println("note: " + line));
            });
            return ExitCodes.OK;
        }
        List<String> problems = check.problems();
        output.error("schema_mismatch", problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + " with this database"
                        + (output.json() ? "" : ", one line each:"),
                Map.of("database", database.describe(), "problems", problems, "warnings", check.warnings(), "notes", check.notes()),
                invocation.requestId());
        if (!output.json()) {
            problems.forEach(problem -> output.note("  " + problem));
        }
        return ExitCodes.SCHEMA_MISMATCH;
    }
}
