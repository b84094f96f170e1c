package io.lorastream.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Renders a {@link RunReport} as text for the terminal and as a self-contained HTML page with SVG plots. */
final class ReportWriter {
    private ReportWriter() {}

    static String text(RunReport r) {
        StringBuilder sb = new StringBuilder();
        sb.append("\n=== lorastream report ===\n");
        sb.append(String.format(Locale.ROOT, "dataset %s %s%n", r.datasetId(), r.datasetCounts()));
        sb.append(String.format(Locale.ROOT, "base model %s, run %s, adapter %s%n", r.baseModel(), r.runId(), r.adapter()));
        sb.append(String.format(Locale.ROOT, "training %.1f s; swap to the new adapter %.2f s%n", r.trainingSeconds(),
                r.swapSeconds()));
        sb.append(String.format("%nloss per step (loss on %s tokens)%n", r.lossOn()));
        sb.append(String.format("%6s %12s %12s%n", "step", "train", "validation"));
        for (RunReport.LossPoint p : r.losses()) {
            sb.append(String.format(Locale.ROOT, "%6d %12.4f %12s%n", p.step(), p.trainLoss(),
                    p.validationLoss() == null ? "" : String.format(Locale.ROOT, "%.4f", p.validationLoss())));
        }
        sb.append(String.format(Locale.ROOT, "%nlive traffic: %d tweets, %.1f tweets/s, latency p50 %.1f ms, p99 %.1f ms%n",
                r.tweets(), r.tweetsPerSecond(), r.latencyP50Ms(), r.latencyP99Ms()));
        sb.append(String.format(Locale.ROOT, "accuracy %.4f, macro-recall %.4f (TweetEval's metric), macro-F1 %.4f%n",
                r.accuracy(), r.macroRecall(), r.macroF1()));
        sb.append("\nconfusion matrix (rows = gold, columns = predicted)\n");
        sb.append(String.format("%10s", ""));
        r.labels().forEach(l -> sb.append(String.format("%10s", l)));
        sb.append('\n');
        for (int i = 0; i < r.labels().size(); i++) {
            sb.append(String.format("%10s", r.labels().get(i)));
            for (int j = 0; j < r.labels().size(); j++) {
                sb.append(String.format("%10d", r.confusion()[i][j]));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    static void html(RunReport r, Path file) throws IOException {
        String page = """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>lorastream report</title>
                <style>
                body{font-family:system-ui,sans-serif;margin:2rem;max-width:960px;color:#222}
                table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:right}
                th{background:#f3f3f3}.kpi{display:inline-block;margin:0 1.5rem 1rem 0}.kpi b{display:block;font-size:1.6rem}
                </style></head><body>
                <h1>lorastream report</h1>
                <p>dataset <code>%s</code> %s · base model <code>%s</code> · run <code>%s</code> · adapter <code>%s</code></p>
                <div>
                <span class="kpi">accuracy<b>%.3f</b></span><span class="kpi">macro-recall<b>%.3f</b></span>
                <span class="kpi">macro-F1<b>%.3f</b></span><span class="kpi">tweets/s<b>%.1f</b></span>
                <span class="kpi">latency p50 / p99<b>%.0f / %.0f ms</b></span><span class="kpi">training<b>%.0f s</b></span>
                <span class="kpi">swap<b>%.2f s</b></span>
                </div>
                <h2>Loss per step</h2><p>loss on %s tokens; validation at evaluation steps</p>
                %s
                <h2>Confusion matrix</h2><p>%d live tweets through Kafka; rows = gold label, columns = predicted</p>
                %s
                <h2>Losses</h2>%s
                </body></html>
                """.formatted(esc(r.datasetId()), esc(String.valueOf(r.datasetCounts())), esc(r.baseModel()),
                esc(r.runId()), esc(r.adapter()), r.accuracy(), r.macroRecall(), r.macroF1(), r.tweetsPerSecond(),
                r.latencyP50Ms(), r.latencyP99Ms(), r.trainingSeconds(), r.swapSeconds(), esc(r.lossOn()),
                lossSvg(r.losses()), r.tweets(), confusionSvg(r.labels(), r.confusion()), lossTable(r.losses()));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, page);
    }

    /** Train loss as a line, validation loss as dots, on shared axes. */
    static String lossSvg(List<RunReport.LossPoint> points) {
        int w = 720, h = 320, left = 56, right = 16, top = 16, bottom = 40;
        if (points.isEmpty()) {
            return "<p>no steps</p>";
        }
        double maxStep = points.stream().mapToInt(RunReport.LossPoint::step).max().orElse(1);
        double minStep = points.stream().mapToInt(RunReport.LossPoint::step).min().orElse(0);
        double lo = Double.MAX_VALUE, hi = -Double.MAX_VALUE;
        for (RunReport.LossPoint p : points) {
            lo = Math.min(lo, p.trainLoss());
            hi = Math.max(hi, p.trainLoss());
            if (p.validationLoss() != null) {
                lo = Math.min(lo, p.validationLoss());
                hi = Math.max(hi, p.validationLoss());
            }
        }
        if (hi - lo < 1e-9) {
            hi = lo + 1;
        }
        final double fLo = lo, fHi = hi, span = Math.max(1, maxStep - minStep);
        java.util.function.DoubleUnaryOperator x = s -> left + (s - minStep) / span * (w - left - right);
        java.util.function.DoubleUnaryOperator y = v -> top + (fHi - v) / (fHi - fLo) * (h - top - bottom);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "role=\"img\" aria-label=\"loss curve\">", w, h));
        sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#fafafa\" "
                + "stroke=\"#ccc\"/>", left, top, w - left - right, h - top - bottom));
        for (int i = 0; i <= 4; i++) {
            double v = fLo + (fHi - fLo) * i / 4;
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%.3f</text>",
                    left - 6, y.applyAsDouble(v) + 4, v));
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">optimizer step"
                + "</text>", (w + left) / 2, h - 8));
        StringBuilder path = new StringBuilder();
        for (RunReport.LossPoint p : points) {
            path.append(path.length() == 0 ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f",
                    x.applyAsDouble(p.step()), y.applyAsDouble(p.trainLoss())));
        }
        sb.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\"/>");
        for (RunReport.LossPoint p : points) {
            if (p.validationLoss() != null) {
                sb.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"#d62728\"/>",
                        x.applyAsDouble(p.step()), y.applyAsDouble(p.validationLoss())));
            }
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"#1f77b4\">— train</text>"
                + "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"#d62728\">● validation</text>",
                w - 190, top + 16, w - 110, top + 16));
        return sb.append("</svg>").toString();
    }

    /** A heat map: darker cells hold more tweets; each cell shows its count. */
    static String confusionSvg(List<String> labels, int[][] m) {
        int n = labels.size(), cell = 90, left = 100, top = 40;
        int max = 1;
        for (int[] row : m) for (int v : row) max = Math.max(max, v);
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" role=\"img\" "
                        + "aria-label=\"confusion matrix\">", left + n * cell + 10, top + n * cell + 10));
        for (int j = 0; j < n; j++) {
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">%s</text>",
                    left + j * cell + cell / 2, top - 10, esc(labels.get(j))));
        }
        for (int i = 0; i < n; i++) {
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"end\">%s</text>",
                    left - 8, top + i * cell + cell / 2 + 4, esc(labels.get(i))));
            for (int j = 0; j < n; j++) {
                double f = m[i][j] / (double) max;
                int shade = (int) Math.round(255 - f * 200);
                sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
                        + "fill=\"rgb(%d,%d,255)\" stroke=\"#fff\"/>", left + j * cell, top + i * cell, cell, cell,
                        shade, shade));
                sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"14\" text-anchor=\"middle\" "
                        + "fill=\"%s\">%d</text>", left + j * cell + cell / 2, top + i * cell + cell / 2 + 5,
                        f > 0.6 ? "#fff" : "#222", m[i][j]));
            }
        }
        return sb.append("</svg>").toString();
    }

    private static String lossTable(List<RunReport.LossPoint> points) {
        StringBuilder sb = new StringBuilder("<table><tr><th>step</th><th>train loss</th><th>validation loss</th></tr>");
        for (RunReport.LossPoint p : points) {
            sb.append(String.format(Locale.ROOT, "<tr><td>%d</td><td>%.4f</td><td>%s</td></tr>", p.step(), p.trainLoss(),
                    p.validationLoss() == null ? "" : String.format(Locale.ROOT, "%.4f", p.validationLoss())));
        }
        return sb.append("</table>").toString();
    }

    private static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
