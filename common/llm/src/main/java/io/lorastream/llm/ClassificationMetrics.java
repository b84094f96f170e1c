package io.lorastream.llm;

import java.util.List;

/**
 * Accuracy, macro-recall (TweetEval's official sentiment metric), macro-F1 and the confusion matrix of
 * a set of predictions. Classes are averaged with equal weight; a class with no gold examples counts
 * recall 0 and a class never predicted counts precision 0 (scikit-learn's zero_division=0).
 */
public final class ClassificationMetrics {
    private final List<String> labels;
    private final int[][] confusion;
    private final int total;

    private ClassificationMetrics(List<String> labels, int[][] confusion, int total) {
        this.labels = labels;
        this.confusion = confusion;
        this.total = total;
    }

    /** Predictions outside {@code labels} are an error: the classifier only ever returns one of them. */
    public static ClassificationMetrics of(List<String> gold, List<String> predicted, List<String> labels) {
        if (gold.size() != predicted.size()) {
            throw new IllegalArgumentException("gold has " + gold.size() + " entries, predictions " + predicted.size());
        }
        if (labels.isEmpty() || labels.stream().distinct().count() != labels.size()) {
            throw new IllegalArgumentException("labels must be non-empty and distinct: " + labels);
        }
        int[][] confusion = new int[labels.size()][labels.size()];
        for (int i = 0; i < gold.size(); i++) {
            confusion[indexOf(labels, gold.get(i), "gold")][indexOf(labels, predicted.get(i), "predicted")]++;
        }
        return new ClassificationMetrics(List.copyOf(labels), confusion, gold.size());
    }

    private static int indexOf(List<String> labels, String label, String what) {
        int i = labels.indexOf(label);
        if (i < 0) {
            throw new IllegalArgumentException(what + " label '" + label + "' is not one of " + labels);
        }
        return i;
    }

    public List<String> labels() {
        return labels;
    }

    public int count() {
        return total;
    }

    /** {@code confusion()[gold][predicted]}, indexed like {@link #labels()}; a copy. */
    public int[][] confusion() {
        int[][] copy = new int[confusion.length][];
        for (int i = 0; i < confusion.length; i++) {
            copy[i] = confusion[i].clone();
        }
        return copy;
    }

    public double accuracy() {
        if (total == 0) {
            return 0;
        }
        int correct = 0;
        for (int i = 0; i < confusion.length; i++) {
            correct += confusion[i][i];
        }
        return (double) correct / total;
    }

    public double recall(int c) {
        int gold = 0;
        for (int p = 0; p < confusion.length; p++) {
            gold += confusion[c][p];
        }
        return gold == 0 ? 0 : (double) confusion[c][c] / gold;
    }

    public double precision(int c) {
        int predicted = 0;
        for (int[] row : confusion) {
            predicted += row[c];
        }
        return predicted == 0 ? 0 : (double) confusion[c][c] / predicted;
    }

    public double f1(int c) {
        double p = precision(c);
        double r = recall(c);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    public double macroRecall() {
        double sum = 0;
        for (int c = 0; c < confusion.length; c++) {
            sum += recall(c);
        }
        return sum / confusion.length;
    }

    public double macroF1() {
        double sum = 0;
        for (int c = 0; c < confusion.length; c++) {
            sum += f1(c);
        }
        return sum / confusion.length;
    }

    @Override
    public String toString() {
        return String.format("accuracy=%.4f macroRecall=%.4f macroF1=%.4f n=%d", accuracy(), macroRecall(), macroF1(),
                total);
    }
}
