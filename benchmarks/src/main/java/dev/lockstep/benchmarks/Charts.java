package dev.lockstep.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Time against migration count, one line per tool, on log-log axes. */
final class Charts {

    private Charts() {
    }

    static void write(Results results, String scenario, String title, List<MigrationSet> sets, List<String> tools,
            Path png) throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(560).title(title)
                .xAxisTitle("migrations").yAxisTitle("median ms").build();
        chart.getStyler().setXAxisLogarithmic(true).setYAxisLogarithmic(true).setChartBackgroundColor(java.awt.Color.WHITE);
        for (String tool : tools) {
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (MigrationSet set : sets) {
                Samples s = results.get(scenario, set.name(), tool);
                if (s != null && set.count() > 0) {
                    x.add((double) set.count());
                    y.add(Math.max(s.median(), 0.01));
                }
            }
            if (!x.isEmpty()) {
                chart.addSeries(tool, x, y).setMarker(SeriesMarkers.CIRCLE);
            }
        }
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
