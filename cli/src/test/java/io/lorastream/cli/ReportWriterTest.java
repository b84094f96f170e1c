package io.lorastream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {

    private static RunReport report() {
        return new RunReport("ds-1", Map.of("train", 1000L, "validation", 200L), "stories260K-hf", "run-1",
                "ad-1@3", "completion",
                List.of(new RunReport.LossPoint(1, 2.5, null), new RunReport.LossPoint(2, 2.1, 2.2),
                        new RunReport.LossPoint(3, 1.9, 1.95)),
                120.0, 0.4, List.of("negative", "neutral", "positive"),
                new int[][] {{10, 2, 1}, {3, 20, 4}, {0, 5, 15}}, 0.75, 0.74, 0.73, 60, 30.0, 12.0, 40.0);
    }

    @Test
    void textReportHasLossesMetricsAndConfusion() {
        String text = ReportWriter.text(report());
        assertTrue(text.contains("loss on completion tokens"), text);
        assertTrue(text.matches("(?s).*\\n\\s+2\\s+2\\.1000\\s+2\\.2000\\n.*"), text);
        assertTrue(text.contains("macro-recall 0.7400"), text);
        assertTrue(text.matches("(?s).*\\n\\s+neutral\\s+3\\s+20\\s+4\\n.*"), text);
    }

    @Test
    void htmlReportPlotsTheLossCurveAndTheConfusionMatrix(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("report.html");
        ReportWriter.html(report(), file);
        String html = Files.readString(file);
        assertTrue(html.contains("aria-label=\"loss curve\""));
        assertTrue(html.contains("aria-label=\"confusion matrix\""));
        // one train path through the 3 steps, one validation dot per evaluated step
        Matcher path = Pattern.compile("<path d=\"M[^\"]+\"").matcher(html);
        assertTrue(path.find());
        assertEquals(3, path.group().split("[ML]").length - 1);
        assertEquals(2, html.split("<circle ", -1).length - 1);
        // nine confusion cells, each with its count
        assertEquals(9, html.split("fill=\"rgb\\(", -1).length - 1);
        assertTrue(html.contains(">20</text>"));
    }
}
