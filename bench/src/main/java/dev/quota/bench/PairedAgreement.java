package dev.quota.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Whether two paired runs agree: every headline ratio of the first beside the second's, with
 * their intervals. Two runs agree on a ratio when their medians are within
 * {@value #TOLERANCE_PERCENT}% of each other or their intervals overlap.
 *
 * <p>Usage: {@code PairedAgreement <paired.json> <paired.json>}; prints a Markdown table and
 * a last line with the count, and exits 1 when any ratio disagrees.
 */
public final class PairedAgreement {

    static final int TOLERANCE_PERCENT = 10;

    /** One ratio in both runs. */
    record Row(PairedComparison first, PairedComparison second) {

        double differencePercent() {
            double a = first.estimate().median();
            double b = second.estimate().median();
            return (b - a) / a * 100;
        }

        boolean agrees() {
            return Math.abs(differencePercent()) <= TOLERANCE_PERCENT || first.estimate().overlaps(second.estimate());
        }
    }

    private PairedAgreement() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: PairedAgreement <paired.json> <paired.json>");
            System.exit(2);
        }
        List<Row> rows = rows(PairedRun.read(Path.of(args[0])), PairedRun.read(Path.of(args[1])));
        System.out.print(markdown(rows));
        System.exit(rows.stream().allMatch(Row::agrees) ? 0 : 1);
    }

    /** The throughput ratios both runs measured, in the first run's order. */
    static List<Row> rows(PairedRun first, PairedRun second) {
        Map<String, PairedComparison> theirs = new LinkedHashMap<>();
        PairedComparison.of(second).forEach(c -> theirs.put(c.key(), c));
        return PairedComparison.of(first).stream()
                .filter(c -> c.measure() == PairedComparison.Measure.THROUGHPUT && theirs.containsKey(c.key()))
                .map(c -> new Row(c, theirs.get(c.key()))).toList();
    }

    static String markdown(List<Row> rows) {
        StringBuilder md = new StringBuilder("""
                | ratio | workload | threads | first run | second run | difference | agree |
                |---|---|---:|---|---|---:|---|
                """);
        for (Row row : rows) {
            RatioEstimate a = row.first().estimate();
            RatioEstimate b = row.second().estimate();
            md.append(String.format(Locale.ROOT, "| %s | %s | %d | %.2fx (%.2f to %.2f) | %.2fx (%.2f to %.2f) | %+.1f%% | %s |%n",
                    row.first().describe(), row.first().workload(), row.first().threads(), a.median(), a.low(), a.high(),
                    b.median(), b.low(), b.high(), row.differencePercent(),
                    Math.abs(row.differencePercent()) <= TOLERANCE_PERCENT ? "yes, within " + TOLERANCE_PERCENT + "%"
                            : a.overlaps(b) ? "yes, intervals overlap" : "**no**"));
        }
        long agreeing = rows.stream().filter(Row::agrees).count();
        md.append(String.format(Locale.ROOT, "%n%d of %d ratios agree (within %d%% or with overlapping intervals).%n", agreeing, rows.size(),
                TOLERANCE_PERCENT));
        return md.toString();
    }
}
