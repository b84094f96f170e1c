package io.lorastream.ingest.service;

import io.lorastream.contracts.SentimentLabel;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a raw label into a {@link SentimentLabel}. TweetEval's {@code mapping.txt} ({@code id<TAB>name}
 * per line) says what the ids in {@code *_labels.txt} mean; without one, labels are read as the shared
 * names or ids ({@link SentimentLabel#parse}).
 */
public final class LabelMapping {
    private final Map<String, SentimentLabel> byId;

    private LabelMapping(Map<String, SentimentLabel> byId) {
        this.byId = byId;
    }

    /** Names and ids as {@link SentimentLabel} defines them. */
    public static LabelMapping standard() {
        return new LabelMapping(Map.of());
    }

    /**
     * Parses {@code mapping.txt}. A name outside the sentiment labels fails the whole dataset: its ids
     * would mean something this service cannot train.
     *
     * @throws IllegalArgumentException naming the bad line
     */
    public static LabelMapping parse(String mappingText) {
        Map<String, SentimentLabel> ids = new HashMap<>();
        String[] lines = mappingText.split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            int lineNumber = i + 1;
            String l = lines[i].strip();
            if (l.isEmpty()) {
                continue;
            }
            String[] parts = l.split("\\s+", 2);
            if (parts.length != 2) {
                throw new IllegalArgumentException("mapping.txt line " + lineNumber + ": expected '<id><TAB><name>', got '"
                        + Reject.printable(l) + "'");
            }
            SentimentLabel label = SentimentLabel.parse(parts[1]).orElseThrow(() -> new IllegalArgumentException(
                    "mapping.txt line " + lineNumber + ": unknown label '" + Reject.printable(parts[1])
                            + "' (this service handles " + SentimentLabel.texts() + ")"));
            if (ids.put(parts[0], label) != null) {
                throw new IllegalArgumentException("mapping.txt line " + lineNumber + ": id '" + parts[0] + "' appears twice");
            }
        }
        if (ids.isEmpty()) {
            throw new IllegalArgumentException("mapping.txt is empty");
        }
        return new LabelMapping(Map.copyOf(ids));
    }

    /** The label for a raw value: an id of the mapping, else a shared name or id. */
    public Optional<SentimentLabel> resolve(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String v = raw.strip();
        SentimentLabel mapped = byId.get(v);
        if (mapped != null) {
            return Optional.of(mapped);
        }
        if (!byId.isEmpty() && v.chars().allMatch(Character::isDigit) && !v.isEmpty()) {
            return Optional.empty(); // an id the mapping does not define
        }
        return SentimentLabel.parse(v);
    }
}
