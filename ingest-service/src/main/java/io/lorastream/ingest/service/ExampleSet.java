package io.lorastream.ingest.service;

import io.lorastream.contracts.SentimentLabel;
import io.lorastream.contracts.Split;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** What reading a source produced: the valid examples per split in source order, and everything rejected. */
public final class ExampleSet {
    private final Map<Split, List<Example>> examples = new EnumMap<>(Split.class);
    private final Map<Split, Long> rowsRead = new EnumMap<>(Split.class);
    private final RejectLog rejects;
    private final List<String> warnings = new ArrayList<>();

    public ExampleSet(RejectLog rejects) {
        this.rejects = rejects;
    }

    void add(Example e) {
        examples.computeIfAbsent(e.split(), s -> new ArrayList<>()).add(e);
    }

    void rowRead(Split split) {
        rowsRead.merge(split, 1L, Long::sum);
    }

    /** Declares a split as read even when it held no rows, so reports list it. */
    void touch(Split split) {
        rowsRead.putIfAbsent(split, 0L);
        examples.computeIfAbsent(split, s -> new ArrayList<>());
    }

    void warn(String warning) {
        warnings.add(warning);
    }

    public List<Example> examples(Split split) {
        return Collections.unmodifiableList(examples.getOrDefault(split, List.of()));
    }

    public Map<Split, Long> rowsRead() {
        return Collections.unmodifiableMap(rowsRead);
    }

    public RejectLog rejects() {
        return rejects;
    }

    public List<String> warnings() {
        return Collections.unmodifiableList(warnings);
    }

    public long accepted() {
        return examples.values().stream().mapToLong(List::size).sum();
    }

    /** Valid examples per split and label, before sampling; every label appears, zero or not. */
    public Map<Split, Map<String, Long>> available() {
        Map<Split, Map<String, Long>> out = new EnumMap<>(Split.class);
        examples.forEach((split, list) -> {
            Map<String, Long> byLabel = Counts.zeroLabels();
            list.forEach(e -> byLabel.merge(e.label().text(), 1L, Long::sum));
            out.put(split, byLabel);
        });
        return out;
    }

    /** Helpers for split → label → count maps. */
    public static final class Counts {
        private Counts() {}

        public static Map<String, Long> zeroLabels() {
            Map<String, Long> m = new java.util.LinkedHashMap<>();
            for (SentimentLabel l : SentimentLabel.values()) {
                m.put(l.text(), 0L);
            }
            return m;
        }
    }
}
