package dev.quota.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The report's chart: the hot user's chat path, throughput against threads, each strategy and the pgbench ceiling. */
final class ThroughputChart {

    private ThroughputChart() {
    }

    static void write(BenchResults results, Path target) throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(540).title("Hot user, chat path: throughput against threads")
                .xAxisTitle("threads").yAxisTitle("messages/s").build();
        TreeSet<String> subjects = new TreeSet<>();
        results.rows.stream().filter(r -> r.strategyChat("accept") && r.workload().equals("hot")).forEach(r -> subjects.add(r.subject()));
        for (String subject : subjects) {
            List<BenchRow> series = results.rows.stream().filter(r -> r.subject().equals(subject) && r.path().equals("chat")
                    && r.workload().equals("hot") && r.limits().equals("accept")).sorted(Comparator.comparingInt(BenchRow::threads)).toList();
            chart.addSeries(subject, series.stream().map(r -> (double) r.threads()).toList(),
                    series.stream().map(BenchRow::opsPerSecond).toList()).setMarker(SeriesMarkers.CIRCLE);
        }
        List<Double> ceilingThreads = new ArrayList<>();
        List<Double> ceilingTps = new ArrayList<>();
        results.ceiling.entrySet().stream().filter(e -> e.getKey().startsWith("hot/"))
                .sorted(Comparator.comparingInt(e -> Integer.parseInt(e.getKey().substring(4))))
                .forEach(e -> {
                    ceilingThreads.add(Double.parseDouble(e.getKey().substring(4)));
                    ceilingTps.add(e.getValue());
                });
        if (!ceilingThreads.isEmpty()) {
            chart.addSeries("pgbench ceiling", ceilingThreads, ceilingTps).setMarker(SeriesMarkers.DIAMOND);
        }
        if (!chart.getSeriesMap().isEmpty()) {
            BitmapEncoder.saveBitmap(chart, target.toString(), BitmapEncoder.BitmapFormat.PNG);
        }
    }
}
