package io.lorastream.llm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClassificationMetricsTest {
    private static final List<String> LABELS = List.of("negative", "neutral", "positive");

    @Test
    void computesScikitLearnsValuesOnAWorkedExample() {
        // gold:  n n n u u p p p p p ; predicted: n u n u p p p u p n
        List<String> gold = List.of("negative", "negative", "negative", "neutral", "neutral",
                "positive", "positive", "positive", "positive", "positive");
        List<String> pred = List.of("negative", "neutral", "negative", "neutral", "positive",
                "positive", "positive", "neutral", "positive", "negative");
        ClassificationMetrics m = ClassificationMetrics.of(gold, pred, LABELS);

        assertArrayEquals(new int[][] {{2, 1, 0}, {0, 1, 1}, {1, 1, 3}}, m.confusion());
        assertEquals(0.6, m.accuracy(), 1e-12);
        // recalls 2/3, 1/2, 3/5 -> sklearn recall_score(average='macro') = 0.58888...
        assertEquals((2.0 / 3 + 0.5 + 0.6) / 3, m.macroRecall(), 1e-12);
        // precisions 2/3, 1/3, 3/4; F1s 2/3, 0.4, 2*0.75*0.6/1.35 -> f1_score(average='macro')
        double f1Pos = 2 * 0.75 * 0.6 / 1.35;
        assertEquals((2.0 / 3 + 0.4 + f1Pos) / 3, m.macroF1(), 1e-12);
    }

    @Test
    void aClassNeverPredictedCountsZero() {
        ClassificationMetrics m = ClassificationMetrics.of(List.of("neutral", "positive", "negative"),
                List.of("neutral", "neutral", "neutral"), LABELS);
        assertEquals(1.0 / 3, m.accuracy(), 1e-12);
        assertEquals(1.0 / 3, m.macroRecall(), 1e-12);
        assertEquals((0 + 0.5 + 0) / 3, m.macroF1(), 1e-12); // neutral: p 1/3, r 1 -> f1 0.5
    }

    @Test
    void rejectsUnknownLabelsAndLengthMismatch() {
        assertThrows(IllegalArgumentException.class,
                () -> ClassificationMetrics.of(List.of("happy"), List.of("neutral"), LABELS));
        assertThrows(IllegalArgumentException.class,
                () -> ClassificationMetrics.of(List.of("neutral"), List.of(), LABELS));
    }
}
