package io.lorastream.trainer.domain;

import io.lorastream.contracts.ContractJson;
import io.lorastream.llm.ClassificationMetrics;
import java.util.Arrays;
import java.util.List;

/**
 * A checkpoint's validation confusion matrix as stored in {@code checkpoint.confusion_matrix}: counts,
 * rows = true label, columns = predicted label, both in {@code labels} order.
 */
public record ConfusionMatrix(List<String> labels, List<List<Long>> matrix) {
    public ConfusionMatrix {
        labels = List.copyOf(labels);
        matrix = matrix.stream().map(List::copyOf).toList();
        int n = labels.size();
        if (matrix.size() != n || matrix.stream().anyMatch(r -> r.size() != n)) {
            throw new IllegalArgumentException("confusion matrix must be " + n + " x " + n);
        }
    }

    public static ConfusionMatrix of(ClassificationMetrics metrics) {
        int[][] counts = metrics.confusion();
        return new ConfusionMatrix(metrics.labels(),
                Arrays.stream(counts).map(row -> Arrays.stream(row).mapToObj(n -> (long) n).toList()).toList());
    }

    /** Null for null (checkpoints without validation records). */
    public static ConfusionMatrix fromJson(String json) {
        return json == null ? null : ContractJson.read(json, ConfusionMatrix.class);
    }

    public String toJson() {
        return ContractJson.writeString(this);
    }
}
