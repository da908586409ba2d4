package dev.quota.cli.commands;

import dev.quota.cli.ExitCodes;
import dev.quota.cli.Output;
import dev.quota.cli.ProgressLine;
import dev.quota.cli.Invocation;
import dev.quota.cli.ReadUrlOption;
import dev.quota.cli.RequestIdOption;
import dev.quota.cli.TextTable;
import dev.quota.core.ErrorCode;
import dev.quota.core.QuotaDay;
import dev.quota.core.QuotaException;
import dev.quota.reconciler.Finding;
import dev.quota.reconciler.LedgerScan;
import dev.quota.reconciler.ReconcileFiles;
import dev.quota.reconciler.ReconcileMode;
import dev.quota.reconciler.ReconcileRequest;
import dev.quota.reconciler.ReconcileResult;
import dev.quota.reconciler.Reconciler;
import dev.quota.reconciler.ScanSource;
import dev.quota.core.db.Database;
import java.time.Duration;
import java.util.Optional;
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

    @Option(names = "--scan", defaultValue = "auto", paramLabel = "HOW",
            description = "How the day ledgers are read: one-query (messages joined to the counters by the database), merged (read apart,"
                    + " merged in key order by the job: for messages distributed by another key than the user, on Citus), or auto,"
                    + " which asks the database (default: ${DEFAULT-VALUE})")
    String scan;

    @Option(names = "--report", paramLabel = "FILE", description = "Write the findings to FILE (.csv or .json)")
    Path report;

    @Option(names = "--metrics-file", paramLabel = "FILE",
            description = "Write Prometheus metrics to FILE (node_exporter textfile collector format)")
    Path metricsFile;

    @Mixin
    RequestIdOption requestId;

    @Mixin
    ReadUrlOption readUrl;

    @Option(names = "--standby-wait", defaultValue = "300", paramLabel = "SECONDS",
            description = "How long to wait for the --read-url standby to replay what the primary had committed when the run started;"
                    + " then exit 13 (standby_behind) (default: ${DEFAULT-VALUE})")
    int standbyWaitSeconds;

    @Option(names = "--read-primary-when-behind",
            description = "When the standby has not caught up in time, scan the primary instead of failing")
    boolean readPrimaryWhenBehind;

    @Override
    public Integer call() {
        ReconcileRequest request = request();
        if (report != null && !ReconcileFiles.isFindingsFile(report)) {
            throw new ParameterException(spec.commandLine(), "--report must end in .csv or .json: " + report);
        }
        if (standbyWaitSeconds < 0) {
            throw new ParameterException(spec.commandLine(), "--standby-wait must be 0 or more seconds, got " + standbyWaitSeconds);
        }
        Output output = invocation.output();
        Database database = invocation.session(false).database();
        Database reads = invocation.readSession(readUrl, false).database();
        Optional<Database> standby = reads == database ? Optional.empty() : Optional.of(reads);
        output.note("Reconciling " + request.from() + ".." + request.to() + " in " + request.mode().code() + " mode on "
                + database.describe() + standby.map(s -> ", scanning " + s.describe()).orElse("") + " ...");
        ReconcileResult result;
        List<Finding> findings;
        ScanSource scan = ScanSource.of(standby, Duration.ofSeconds(standbyWaitSeconds), readPrimaryWhenBehind);
        try (Reconciler reconciler = new Reconciler(database, scan, invocation.clock())) {
            try (ProgressLine progress = invocation.progress()) {
                result = reconciler.run(request, progress);
            }
            if (result.error() != null && result.error().code() == ErrorCode.UNSUPPORTED_BY_DATABASE) {
                // the database refuses the scan: starting again cannot help, so the error alone, with its own exit code
                throw result.error();
            }
            findings = report != null ? reconciler.findings(result.runId(), 0) : List.of();
        } catch (QuotaException e) {
            if (metricsFile != null) {
                // the alert must see a run that never started, a stale standby above all (deploy/prometheus)
                ReconcileFiles.writeErrorMetrics(metricsFile, e.code().code());
            }
            throw e;
        }
        if (report != null) {
            ReconcileFiles.writeFindings(report, findings);
        }
        if (metricsFile != null) {
            ReconcileFiles.writeMetrics(metricsFile, result, invocation.clock().instant().getEpochSecond());
        }
        output.result(RunView.of(result), invocation::requestId, out -> print(out, output, result));
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
                    chunkSize, partitions, includeToday, rerun, maxRowsPerSecond, !noPrune, LedgerScan.fromCode(scan));
            request.requireFinishedDays(invocation.clock());
            return request;
        } catch (QuotaException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** The JSON shape of a run. */
    record RunView(long runId, long jobExecutionId, String status, String mode, String from, String to, long rowsScanned,
                   long drifts, Map<String, Long> driftsByKind, long repaired, long needsAttention, long pruned,
                   double durationSeconds, long rowsPerSecond, List<Finding.Row> topDrifts, String failure, String scannedOn,
                   int resumes) {
        static RunView of(ReconcileResult result) {
            return new RunView(result.runId(), result.jobExecutionId(), result.status().toLowerCase(Locale.ROOT),
                    result.mode().code(), result.from().toString(), result.to().toString(), result.rowsScanned(), result.drifts(),
                    result.driftsByKind(), result.repaired(), result.remaining(), result.pruned(), result.duration().toMillis() / 1000.0,
                    Math.round(result.rowsPerSecond()), result.topDrifts().stream().map(Finding.Row::of).toList(), result.failure(),
                    result.scannedOn(), result.resumes());
        }
    }

    private static void print(java.io.PrintWriter out, Output output, ReconcileResult result) {
        List<String[]> lines = new ArrayList<>();
        lines.add(new String[] {"Run", result.runId() + " (" + result.mode().code() + ", " + result.from() + ".." + result.to() + ")"});
        lines.add(new String[] {"Status", result.completed() ? output.style("green", "completed") : output.style("red", result.status().toLowerCase(Locale.ROOT))});
        lines.add(new String[] {"Rows scanned", String.format("%,d on the %s", result.rowsScanned(), result.scannedOn())
                + (result.resumes() == 0 ? "" : String.format(" (resumed %d times after recovery conflicts)", result.resumes()))});
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
