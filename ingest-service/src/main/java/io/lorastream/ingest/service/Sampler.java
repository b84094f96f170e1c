package io.lorastream.ingest.service;

import io.lorastream.contracts.SentimentLabel;
import io.lorastream.contracts.Split;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Picks examples from a split, deterministically for a seed: a {@link Random} (its algorithm is fixed by
 * the Java spec, so every JVM shuffles alike) seeded from the seed and the split shuffles the split, and
 * the sample is the head of that order. Stratified sampling keeps each label's share of the split
 * (largest-remainder quotas) and takes each label's quota from the same shuffled order.
 */
public final class Sampler {
    private Sampler() {}

    /**
     * @param size how many to take; null takes every example in source order
     * @return the sample in the order records will be indexed; all examples (shuffled) when size >= available
     */
    public static List<Example> sample(List<Example> examples, Split split, Integer size, boolean stratified, long seed) {
        if (size == null) {
            return List.copyOf(examples);
        }
        List<Example> shuffled = new ArrayList<>(examples);
        Collections.shuffle(shuffled, new Random(seedFor(seed, split)));
        if (size >= shuffled.size()) {
            return shuffled;
        }
        if (!stratified) {
            return List.copyOf(shuffled.subList(0, size));
        }
        Map<SentimentLabel, Integer> quota = quotas(shuffled, size);
        List<Example> out = new ArrayList<>(size);
        for (Example e : shuffled) {
            int left = quota.getOrDefault(e.label(), 0);
            if (left > 0) {
                out.add(e);
                quota.put(e.label(), left - 1);
                if (out.size() == size) {
                    break;
                }
            }
        }
        return out;
    }

    /** Each split gets its own stream of the seed, so adding a split never changes another's sample. */
    static long seedFor(long seed, Split split) {
        return seed ^ (0x9E3779B97F4A7C15L * (split.ordinal() + 1));
    }

    /** Largest-remainder apportionment of {@code size} over the labels by their frequency; ties go to the lower id. */
    static Map<SentimentLabel, Integer> quotas(List<Example> examples, int size) {
        Map<SentimentLabel, Integer> counts = new EnumMap<>(SentimentLabel.class);
        examples.forEach(e -> counts.merge(e.label(), 1, Integer::sum));
        int n = examples.size();
        Map<SentimentLabel, Integer> quota = new EnumMap<>(SentimentLabel.class);
        List<SentimentLabel> byRemainder = new ArrayList<>(counts.keySet());
        int given = 0;
        for (SentimentLabel l : byRemainder) {
            int q = (int) ((long) size * counts.get(l) / n);
            quota.put(l, q);
            given += q;
        }
        byRemainder.sort((a, b) -> {
            long ra = ((long) size * counts.get(a)) % n;
            long rb = ((long) size * counts.get(b)) % n;
            return ra != rb ? Long.compare(rb, ra) : Integer.compare(a.id(), b.id());
        });
        for (int i = 0; given < size; i++, given++) {
            SentimentLabel l = byRemainder.get(i % byRemainder.size());
            quota.merge(l, 1, Integer::sum);
        }
        return quota;
    }
}
