package dev.quota.cli.commands;

import dev.quota.cli.ExitCodes;
import dev.quota.cli.Output;
import dev.quota.cli.Invocation;
import dev.quota.cli.RequestIdOption;
import dev.quota.cli.TextTable;
import dev.quota.core.QuotaDay;
import dev.quota.core.QuotaException;
import dev.quota.reconciler.Finding;
import dev.quota.reconciler.ReconcileFiles;
import dev.quota.reconciler.ReconcileMode;
import dev.quota.reconciler.ReconcileRequest;
import dev.quota.reconciler.ReconcileResult;
import dev.quota.reconciler.Reconciler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "reconcile", mixinStandardHelpOptions = true,
        description = {"Run the nightly reconciliation, which finds counters that drift from the message log and, with --repair, fixes them.",
                "It is the Spring Batch job quotaReconciliationJob; each repair is an audited 'reconcile' adjustment,",
                "and a last step prunes what has outlived its retention (--no-prune skips it).",
                "Exit 0 when clean (or everything repaired), 10 when drift needs attention, 1 when the job failed.",
                "Starting a failed or killed run again with the same days and mode resumes it."})
public final class ReconcileCommand implements Callable<Integer> {

    private final Invocation invocation;

    ReconcileCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--date", paramLabel = "YYYY-MM-DD", description = "One UTC day (default: yesterday)")
    String date;

    @Option(names = "--from", paramLabel = "YYYY-MM-DD", description = "First UTC day of a range")
    String from;

    @Option(names = "--to", paramLabel = "YYYY-MM-DD", description = "Last UTC day of a range (default: --from)")
    String to;

    @Option(names = "--repair", description = "Repair counter drift (default: report only)")
    boolean repair;

    @Option(names = "--include-today", description = "Allow the current UTC day, which is still being consumed")
    boolean includeToday;

    @Option(names = "--rerun", description = "Run days again that already have a completed run")
    boolean rerun;

    @Option(names = "--chunk-size", defaultValue = "1000", paramLabel = "N", description = "Rows per transaction (default: ${DEFAULT-VALUE})")
    int chunkSize;

    @Option(names = "--partitions", defaultValue = "8", paramLabel = "N", description = "User-id ranges processed in parallel (default: ${DEFAULT-VALUE})")
    int partitions;

    @Option(names = "--max-rows-per-second", defaultValue = "0", paramLabel = "N",
            description = "Read at most N day ledgers per second, to leave the server's CPU to live traffic (default: no limit)")
    int maxRowsPerSecond;

    @Option(names = "--no-prune", negatable = false,
            description = "Skip the prune step, which otherwise removes what has outlived its retention (quota db prune)")
    boolean noPrune;

    @Option(names = "--report", paramLabel = "FILE", description = "Write the findings to FILE (.csv or .json)")
    Path report;

    @Option(names = "--metrics-file", paramLabel = "FILE",
            description = "Write Prometheus metrics to FILE (node_exporter textfile collector format)")
    Path metricsFile;

    @Mixin
    RequestIdOption requestId;

    @Override
    public Integer call() {
        ReconcileRequest request = request();
        if (report != null && !ReconcileFiles.isFindingsFile(report)) {
            throw new ParameterException(spec.commandLine(), "--report must end in .csv or .json: " + report);
        }
        Output output = invocation.output();
        var database = invocation.session(false).database();
        output.note("Reconciling " + request.from() + ".." + request.to() + " in " + request.mode().code() + " mode on "
                + database.describe() + " ...");
        ReconcileResult result;
        List<Finding> findings;
        try (Reconciler reconciler = new Reconciler(database, invocation.clock())) {
            result = reconciler.run(request);
            findings = report != null ? reconciler.findings(result.runId(), 0) : List.of();
        }
        if (report != null) {
            ReconcileFiles.writeFindings(report, findings);
        }
        if (metricsFile != null) {
            ReconcileFiles.writeMetrics(metricsFile, result, invocation.clock().instant().getEpochSecond());
        }
        output.result(RunView.of(result), invocation.requestId(), out -> print(out, output, result));
        if (!result.completed()) {
            output.note(output.style("bold,red", "reconciliation failed") + ": " + result.failure()
                    + " (start it again with the same options to resume)");
            return ExitCodes.FAILURE;
        }
        return result.remaining() == 0 ? ExitCodes.OK : ExitCodes.DRIFT_FOUND;
    }

    private ReconcileRequest request() {
        if (date != null && (from != null || to != null)) {
            throw new ParameterException(spec.commandLine(), "use either --date or --from/--to, not both");
        }
        if (to != null && from == null) {
            throw new ParameterException(spec.commandLine(), "--to needs --from");
        }
        try {
            QuotaDay first;
            QuotaDay last;
            if (from != null) {
                first = QuotaDay.parse(from);
                last = to == null ? first : QuotaDay.parse(to);
            } else if (date != null) {
                first = last = QuotaDay.parse(date);
            } else {
                first = last = QuotaDay.today(invocation.clock()).previous();
            }
            ReconcileRequest request = new ReconcileRequest(first, last, repair ? ReconcileMode.REPAIR : ReconcileMode.REPORT,
                    chunkSize, partitions, includeToday, rerun, maxRowsPerSecond, !noPrune);
            request.requireFinishedDays(invocation.clock());
            return request;
        } catch (QuotaException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** The JSON shape of a run. */
    record RunView(long runId, long jobExecutionId, String status, String mode, String from, String to, long rowsScanned,
                   long drifts, Map<String, Long> driftsByKind, long repaired, long needsAttention, long pruned,
                   double durationSeconds, long rowsPerSecond, List<Finding.Row> topDrifts, String failure) {
        static RunView of(ReconcileResult result) {
            return new RunView(result.runId(), result.jobExecutionId(), result.status().toLowerCase(Locale.ROOT),
                    result.mode().code(), result.from().toString(), result.to().toString(), result.rowsScanned(), result.drifts(),
                    result.driftsByKind(), result.repaired(), result.remaining(), result.pruned(), result.duration().toMillis() / 1000.0,
                    Math.round(result.rowsPerSecond()), result.topDrifts().stream().map(Finding.Row::of).toList(), result.failure());
        }
    }

    private static void print(java.io.PrintWriter out, Output output, ReconcileResult result) {
        List<String[]> lines = new ArrayList<>();
        lines.add(new String[] {"Run", result.runId() + " (" + result.mode().code() + ", " + result.from() + ".." + result.to() + ")"});
        lines.add(new String[] {"Status", result.completed() ? output.style("green", "completed") : output.style("red", result.status().toLowerCase(Locale.ROOT))});
        lines.add(new String[] {"Rows scanned", String.format("%,d", result.rowsScanned())});
        lines.add(new String[] {"Drifts", result.drifts() + "  " + result.driftsByKind()});
        lines.add(new String[] {"Repaired", Long.toString(result.repaired())});
        lines.add(new String[] {"Needs attention", result.remaining() == 0 ? "0" : output.style("bold,yellow", Long.toString(result.remaining()))});
        lines.add(new String[] {"Pruned", String.format("%,d expired rows", result.pruned())});
        lines.add(new String[] {"Duration", String.format("%.2f s (%,.0f rows/s)", result.duration().toMillis() / 1000.0, result.rowsPerSecond())});
        TextTable.keyValues(out, lines);
        if (!result.topDrifts().isEmpty()) {
            out.println();
            TextTable table = new TextTable("user_id", "date", "counter", "expected", "limit", "drift", "kinds", "repaired");
            for (Finding f : result.topDrifts()) {
                table.row(f.userId(), f.quotaDate(), f.usedCount(), f.expected(), f.effectiveLimit(), f.drift(),
                        String.join(",", f.kinds()), f.repaired() ? "yes" : "no");
            }
            table.print(out);
        }
    }
}
