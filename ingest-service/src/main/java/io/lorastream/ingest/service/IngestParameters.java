package io.lorastream.ingest.service;

import io.lorastream.contracts.Split;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What to take from a source: which splits, how many examples of each (or everything), stratified or
 * not, the seed, and the text limit. Normalized on construction, so two requests that mean the same
 * thing are equal and get the same datasetId.
 *
 * @param sizes examples per split; a split without a size (or {@code all}) takes every valid example
 */
public record IngestParameters(List<Split> splits, Map<Split, Integer> sizes, boolean all, boolean stratified,
        long seed, int maxChars) {

    public static final int DEFAULT_TRAIN_SIZE = 1000;
    public static final int DEFAULT_VALIDATION_SIZE = 200;
    public static final long DEFAULT_SEED = 3407;

    public IngestParameters {
        if (splits == null || splits.isEmpty()) {
            throw new IllegalArgumentException("at least one split must be selected");
        }
        splits = List.copyOf(new TreeSet<>(splits));
        Map<Split, Integer> kept = new EnumMap<>(Split.class);
        if (!all && sizes != null) {
            for (Split s : splits) {
                Integer n = sizes.get(s);
                if (n != null) {
                    if (n < 0) {
                        throw new IllegalArgumentException(s.wireName() + " size must be >= 0, was " + n);
                    }
                    kept.put(s, n);
                }
            }
        }
        sizes = Map.copyOf(kept);
        if (all) { // sampling settings mean nothing when everything is taken
            stratified = false;
            seed = 0;
        }
        if (maxChars < 1) {
            throw new IllegalArgumentException("maxChars must be >= 1, was " + maxChars);
        }
    }

    /** The reference run's: 1,000 train and 200 validation examples, seed 3407, not stratified. */
    public static IngestParameters defaults(int maxChars) {
        return new IngestParameters(List.of(Split.TRAIN, Split.VALIDATION),
                Map.of(Split.TRAIN, DEFAULT_TRAIN_SIZE, Split.VALIDATION, DEFAULT_VALIDATION_SIZE),
                false, false, DEFAULT_SEED, maxChars);
    }

    /** Every valid example of the given splits, in source order. */
    public static IngestParameters everything(List<Split> splits, int maxChars) {
        return new IngestParameters(splits, Map.of(), true, false, 0, maxChars);
    }

    /** How many examples to take from a split, or null for all of them. */
    public Integer size(Split split) {
        return all ? null : sizes.get(split);
    }

    /** A stable text form; part of the datasetId. */
    public String canonical() {
        List<String> sizeList = new ArrayList<>();
        for (Split s : splits) {
            Integer n = size(s);
            sizeList.add(s.wireName() + ":" + (n == null ? "all" : n));
        }
        return "splits=" + splits.stream().map(Split::wireName).collect(Collectors.joining(","))
                + ";sizes=" + String.join(",", sizeList) + ";all=" + all + ";stratified=" + stratified
                + ";seed=" + seed + ";maxChars=" + maxChars;
    }
}
