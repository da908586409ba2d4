package dev.quota.reconciler;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.quota.core.QuotaException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The files a run leaves for the tools around it: its findings as CSV or JSON (by the
 * file's extension) for people and spreadsheets, and its metrics in Prometheus' text format
 * for node_exporter's textfile collector. Each is written whole, then renamed into place,
 * so a reader never sees half a file.
 */
public final class ReconcileFiles {

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private ReconcileFiles() {
    }

    /** Whether {@code path} names a findings format: {@code .csv} or {@code .json}. */
    public static boolean isFindingsFile(Path path) {
        String name = path.toString();
        return name.endsWith(".csv") || name.endsWith(".json");
    }

    public static void writeFindings(Path target, List<Finding> findings) {
        writeAtomically(target, target.toString().endsWith(".csv") ? csv(findings) : json(findings));
    }

    public static void writeMetrics(Path target, ReconcileResult result, long nowEpochSeconds) {
        writeAtomically(target, prometheus(result, nowEpochSeconds));
    }

    static String csv(List<Finding> findings) {
        StringBuilder csv = new StringBuilder(
                "user_id,quota_date,used_count,expected,messages,limit,drift,kinds,repaired,primary_used_count,primary_expected\n");
        for (Finding f : findings) {
            csv.append(f.userId()).append(',').append(f.quotaDate()).append(',')
                    .append(f.usedCount() == null ? "" : f.usedCount()).append(',').append(f.expected()).append(',')
                    .append(f.messages()).append(',').append(f.effectiveLimit() == null ? "" : f.effectiveLimit()).append(',')
                    .append(f.drift()).append(",\"").append(String.join(",", f.kinds())).append("\",").append(f.repaired()).append(',')
                    .append(f.primaryUsedCount() == null ? "" : f.primaryUsedCount()).append(',')
                    .append(f.primaryExpected() == null ? "" : f.primaryExpected()).append('\n');
        }
        return csv.toString();
    }

    static String json(List<Finding> findings) {
        try {
            return JSON.writeValueAsString(findings.stream().map(Finding.Row::of).toList()) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The metrics of a run that could not start, for the same collector: success 0, and the
     * error code that stopped it ({@code standby_behind}: the read URL's standby was stale).
     */
    public static void writeErrorMetrics(Path target, String errorCode) {
        StringBuilder text = new StringBuilder();
        gauge(text, "quota_reconciliation_success", "1 if the last run completed, else 0.", 0);
        text.append("# HELP quota_reconciliation_error The error code that stopped the last run before it started.\n");
        text.append("# TYPE quota_reconciliation_error gauge\n");
        text.append("quota_reconciliation_error{code=\"").append(errorCode).append("\"} 1\n");
        writeAtomically(target, text.toString());
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
        gauge(text, "quota_reconciliation_pruned_rows", "Expired rows the last run's prune step removed.", result.pruned());
        gauge(text, "quota_reconciliation_duration_seconds", "Duration of the last run.", result.duration().toMillis() / 1000.0);
        gauge(text, "quota_holds_held_units", "Units held by open, unexpired holds (quota.reserve) when the last run ended.",
                result.holds().heldUnits());
        gauge(text, "quota_holds_expired", "Holds of the last run's days that expired neither settled nor released: callers that died.",
                result.holds().expiredHolds());
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
