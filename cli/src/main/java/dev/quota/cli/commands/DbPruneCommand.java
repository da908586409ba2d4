package dev.quota.cli.commands;

import dev.quota.cli.ExitCodes;
import dev.quota.cli.Invocation;
import dev.quota.cli.Output;
import dev.quota.cli.TextTable;
import dev.quota.core.QuotaDay;
import dev.quota.core.QuotaException;
import dev.quota.core.retention.Pruner;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "prune", mixinStandardHelpOptions = true,
        description = {"Remove what the toolkit wrote and has outlived its retention, as the nightly job's prune step does.",
                "That is request ids past the idempotency window, and reconciliation runs, findings and job executions",
                "past their retention (quota.settings; docs/operations.md). Batches of rows, each its own transaction,",
                "paced; the audit trail is kept."})
final class DbPruneCommand implements Callable<Integer> {

    private final Invocation invocation;

    DbPruneCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Option(names = "--dry-run", description = "Count what has expired, and delete nothing")
    boolean dryRun;

    @Option(names = "--max-rows-per-second", paramLabel = "N",
            description = "Delete at most N rows per second (default: settings.prune_rows_per_second; 0: no limit)")
    Integer maxRowsPerSecond;

    record Pruned(String database, String today, boolean dryRun, int idempotencyDays, int runRetentionDays,
                  String requestIdsBefore, String runsStartedBefore, Map<String, Long> rows, long total, List<String> vacuumed) {
        static Pruned of(String database, Pruner.PruneReport report) {
            return new Pruned(database, report.today().toString(), !report.deleted(), report.settings().idempotencyDays(),
                    report.settings().runRetentionDays(), report.cutoffs().requestDaysBefore().toString(),
                    report.cutoffs().runsStartedBefore().toString(), report.byCode(), report.total(), report.vacuumed());
        }
    }

    @Override
    public Integer call() {
        if (maxRowsPerSecond != null && maxRowsPerSecond < 0) {
            throw QuotaException.invalidInput("--max-rows-per-second must be 0 (no limit) or more, got " + maxRowsPerSecond);
        }
        var database = invocation.session().database();
        QuotaDay today = QuotaDay.today(invocation.clock());
        Pruner pruner = new Pruner(database.jdbi());
        Pruner.PruneReport report = dryRun ? pruner.count(today) : pruner.prune(today, maxRowsPerSecond);
        Output output = invocation.output();
        output.result(Pruned.of(database.describe(), report), invocation::requestId, out -> {
            out.println((report.deleted() ? "Pruned" : "Would prune") + " as of " + today + " (UTC, the database's day) on "
                    + database.describe());
            out.println("Request ids charged before " + report.cutoffs().requestDaysBefore() + " (idempotency window "
                    + report.settings().idempotencyDays() + " days); runs started before " + report.cutoffs().runsStartedBefore()
                    + " (" + report.settings().runRetentionDays() + " days)");
            TextTable table = new TextTable("kind", report.deleted() ? "deleted" : "expired");
            report.byCode().forEach((kind, count) -> table.row(kind, String.format("%,d", count)));
            table.print(out);
            if (!report.vacuumed().isEmpty()) {
                out.println("Vacuumed " + String.join(", ", report.vacuumed()));
            }
        });
        return ExitCodes.OK;
    }
}
