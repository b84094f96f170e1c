package io.lorastream.llm;

import java.util.Map;

/**
 * The classifier's answer for one text: the most probable label and every label's probability
 * (softmax over the log-likelihoods of the labels' whole continuations; they sum to 1).
 */
public record Classification(String label, Map<String, Double> probabilities) {
    public Classification {
        probabilities = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(probabilities)); // label order kept
    }

    public double probability() {
        return probabilities.get(label);
    }
}
