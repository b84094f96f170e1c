package io.lorastream.contracts;

import java.time.Instant;
import java.util.Map;

/**
 * The classification of one tweet, on {@link Topics#SENTIMENTS} keyed by {@code tweetId}.
 *
 * @param probabilities label → probability, summing to 1 over the labels
 * @param adapter {@code adapterId@version} that produced it, or {@code base} without an adapter
 * @param latencyMs from receipt by the service to the result
 */
public record SentimentResult(
        int schemaVersion,
        String tweetId,
        String label,
        Map<String, Double> probabilities,
        String adapter,
        double latencyMs,
        Instant classifiedAt) {

    private static final String TYPE = "SentimentResult";

    public SentimentResult {
        Contract.version(schemaVersion, TYPE);
        Contract.requiredText(tweetId, TYPE, "tweetId");
        Contract.requiredText(label, TYPE, "label");
        probabilities = Map.copyOf(Contract.required(probabilities, TYPE, "probabilities"));
        Contract.requiredText(adapter, TYPE, "adapter");
    }

    public static SentimentResult of(String tweetId, String label, Map<String, Double> probabilities,
            String adapter, double latencyMs) {
        return new SentimentResult(Contract.SCHEMA_VERSION, tweetId, label, probabilities, adapter, latencyMs,
                Instant.now());
    }
}
