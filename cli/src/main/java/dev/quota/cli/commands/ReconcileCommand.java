package dev.quota.cli.commands;

import dev.quota.cli.ExitCodes;
import dev.quota.cli.Output;
import dev.quota.cli.QuotaCommand;
import dev.quota.cli.TextTable;
import dev.quota.core.QuotaDay;
import dev.quota.core.QuotaException;
import dev.quota.reconciler.Finding;
import dev.quota.reconciler.ReconcileMode;
import dev.quota.reconciler.ReconcileRequest;
import dev.quota.reconciler.ReconcileResult;
import dev.quota.reconciler.Reconciler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "reconcile", mixinStandardHelpOptions = true,
        description = {"Run the nightly reconciliation (Spring Batch job quotaReconciliationJob): find counters that drift",
                "from the message log and, with --repair, set them back with an audited 'reconcile' adjustment.",
                "Exit 0 when clean (or everything repaired), 10 when drift needs attention, 1 when the job failed.",
                "Starting a failed or killed run again with the same days and mode resumes it."})
public final class ReconcileCommand implements Callable<Integer> {

    @ParentCommand
    QuotaCommand root;

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

    @Option(names = "--report", paramLabel = "FILE", description = "Write the findings to FILE (.csv or .json)")
    Path report;

    @Option(names = "--metrics-file", paramLabel = "FILE",
            description = "Write Prometheus metrics to FILE (node_exporter textfile collector format)")
    Path metricsFile;

    @Override
    public Integer call() {
        ReconcileRequest request = request();
        if (report != null && !report.toString().endsWith(".csv") && !report.toString().endsWith(".json")) {
            throw new ParameterException(spec.commandLine(), "--report must end in .csv or .json: " + report);
        }
        Output output = root.output();
        var database = root.session(false).database();
        output.note("Reconciling " + request.from() + ".." + request.to() + " in " + request.mode().code() + " mode on "
                + database.describe() + " ...");
        ReconcileResult result;
        List<Finding> findings;
        try (Reconciler reconciler = new Reconciler(database.config(), root.context().clock())) {
            result = reconciler.run(request);
            findings = report != null ? reconciler.findings(result.runId(), 0) : List.of();
        }
        if (report != null) {
            writeAtomically(report, report.toString().endsWith(".csv") ? csv(findings) : json(findings));
        }
        if (metricsFile != null) {
            writeAtomically(metricsFile, prometheus(result, root.context().clock().instant().getEpochSecond()));
        }
        output.result(view(result), root.requestId(), out -> print(out, output, result));
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
                first = last = QuotaDay.today(root.context().clock()).previous();
            }
            ReconcileRequest request = new ReconcileRequest(first, last, repair ? ReconcileMode.REPAIR : ReconcileMode.REPORT,
                    chunkSize, partitions, includeToday, rerun);
            request.requireFinishedDays(root.context().clock());
            return request;
        } catch (QuotaException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private static Map<String, Object> view(ReconcileResult result) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("run_id", result.runId());
        data.put("job_execution_id", result.jobExecutionId());
        data.put("status", result.status().toLowerCase(Locale.ROOT));
        data.put("mode", result.mode().code());
        data.put("from", result.from().toString());
        data.put("to", result.to().toString());
        data.put("rows_scanned", result.rowsScanned());
        data.put("drifts", result.drifts());
        data.put("drifts_by_kind", result.driftsByKind());
        data.put("repaired", result.repaired());
        data.put("needs_attention", result.remaining());
        data.put("duration_seconds", result.duration().toMillis() / 1000.0);
        data.put("rows_per_second", Math.round(result.rowsPerSecond()));
        data.put("top_drifts", result.topDrifts().stream().map(ReconcileCommand::finding).toList());
        data.put("failure", result.failure());
        return data;
    }

    private static Map<String, Object> finding(Finding finding) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("user_id", finding.userId());
        view.put("quota_date", finding.quotaDate().toString());
        view.put("used_count", finding.usedCount());
        view.put("expected", finding.expected());
        view.put("messages", finding.messages());
        view.put("limit", finding.effectiveLimit());
        view.put("drift", finding.drift());
        view.put("kinds", finding.kinds());
        view.put("repaired", finding.repaired());
        return view;
    }

    private static void print(java.io.PrintWriter out, Output output, ReconcileResult result) {
        List<String[]> lines = new ArrayList<>();
        lines.add(new String[] {"Run", result.runId() + " (" + result.mode().code() + ", " + result.from() + ".." + result.to() + ")"});
        lines.add(new String[] {"Status", result.completed() ? output.style("green", "completed") : output.style("red", result.status().toLowerCase(Locale.ROOT))});
        lines.add(new String[] {"Rows scanned", String.format("%,d", result.rowsScanned())});
        lines.add(new String[] {"Drifts", result.drifts() + "  " + result.driftsByKind()});
        lines.add(new String[] {"Repaired", Long.toString(result.repaired())});
        lines.add(new String[] {"Needs attention", result.remaining() == 0 ? "0" : output.style("bold,yellow", Long.toString(result.remaining()))});
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

    private static String csv(List<Finding> findings) {
        StringBuilder csv = new StringBuilder("user_id,quota_date,used_count,expected,messages,limit,drift,kinds,repaired\n");
        for (Finding f : findings) {
            csv.append(f.userId()).append(',').append(f.quotaDate()).append(',')
                    .append(f.usedCount() == null ? "" : f.usedCount()).append(',').append(f.expected()).append(',')
                    .append(f.messages()).append(',').append(f.effectiveLimit() == null ? "" : f.effectiveLimit()).append(',')
                    .append(f.drift()).append(",\"").append(String.join(",", f.kinds())).append("\",").append(f.repaired()).append('\n');
        }
        return csv.toString();
    }

    private static String json(List<Finding> findings) {
        return Output.json(findings.stream().map(ReconcileCommand::finding).toList()) + "\n";
    }

    /** Prometheus text exposition, for node_exporter's textfile collector. */
    static String prometheus(ReconcileResult result, long nowEpochSeconds) {
        StringBuilder text = new StringBuilder();
        text.append("# HELP quota_reconciliation_drifts Drifting user-days found by the last run, by kind.\n");
        text.append("# TYPE quota_reconciliation_drifts gauge\n");
        result.driftsByKind().forEach((kind, count) ->
                text.append("quota_reconciliation_drifts{kind=\"").append(kind).append("\"} ").append(count).append('\n'));
        gauge(text, "quota_reconciliation_rows_scanned", "User-days scanned by the last run.", result.rowsScanned());
        gauge(text, "quota_reconciliation_repaired", "Counters repaired by the last run.", result.repaired());
        gauge(text, "quota_reconciliation_needs_attention", "Findings of the last run that need a person.", result.remaining());
        gauge(text, "quota_reconciliation_duration_seconds", "Duration of the last run.", result.duration().toMillis() / 1000.0);
        gauge(text, "quota_reconciliation_success", "1 if the last run completed, else 0.", result.completed() ? 1 : 0);
        if (result.completed()) {
            gauge(text, "quota_reconciliation_last_success_timestamp_seconds", "When the last successful run ended.", nowEpochSeconds);
        }
        return text.toString();
    }

    private static void gauge(StringBuilder text, String name, String help, Number value) {
        text.append("# HELP ").append(name).append(' ').append(help).append('\n');
        text.append("# TYPE ").append(name).append(" gauge\n");
        text.append(name).append(' ').append(value).append('\n');
    }

    /** Write then rename, so that a reader (node_exporter, a script) never sees half a file. */
    private static void writeAtomically(Path target, String content) {
        try {
            Path directory = target.toAbsolutePath().getParent();
            Files.createDirectories(directory);
            Path temporary = Files.createTempFile(directory, "." + target.getFileName(), ".tmp");
            Files.writeString(temporary, content, StandardCharsets.UTF_8);
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw QuotaException.invalidInput("cannot write " + target + ": " + e.getMessage());
        }
    }
}
