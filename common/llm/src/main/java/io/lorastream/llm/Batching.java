package io.lorastream.llm;

import io.lorastream.contracts.HyperParameters.LossOn;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/** Padding examples into batches, and the deterministic, length-bucketed order of micro-batches. */
public final class Batching {
    /** Micro-batches per bucket: examples are sorted by length within a window of this many batches. */
    static final int BUCKET_BATCHES = 64;

    private Batching() {}

    /**
     * Right-pads {@code examples} to the longest with {@code padId}. Labels repeat the input where the
     * loss is taken (every real token for {@link LossOn#ALL}, the completion for
     * {@link LossOn#COMPLETION}) and are {@link TrainBatch#IGNORE} elsewhere, padding always.
     */
    public static TrainBatch pad(List<Example> examples, int padId, LossOn lossOn) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("cannot pad an empty batch");
        }
        int seq = examples.stream().mapToInt(Example::length).max().orElseThrow();
        int n = examples.size() * seq;
        int[] ids = new int[n];
        int[] mask = new int[n];
        int[] labels = new int[n];
        for (int b = 0; b < examples.size(); b++) {
            Example e = examples.get(b);
            int firstLabel = lossOn == LossOn.ALL ? 0 : e.promptLength();
            for (int t = 0; t < seq; t++) {
                int i = b * seq + t;
                boolean real = t < e.length();
                ids[i] = real ? e.token(t) : padId;
                mask[i] = real ? 1 : 0;
                labels[i] = real && t >= firstLabel ? e.token(t) : TrainBatch.IGNORE;
            }
        }
        return new TrainBatch(examples.size(), seq, ids, mask, labels);
    }

    /**
     * The micro-batches of one epoch as lists of example indices: a seeded shuffle, then within windows
     * of {@link #BUCKET_BATCHES} micro-batches the examples are sorted by length (little padding), cut
     * into micro-batches, and the micro-batches shuffled again so lengths do not run in order. The same
     * (seed, epoch) always gives the same plan, which is what makes a resumed run continue exactly.
     */
    public static List<int[]> epochPlan(List<Example> examples, int microBatchSize, long seed, int epoch) {
        if (microBatchSize <= 0) {
            throw new IllegalArgumentException("microBatchSize must be > 0");
        }
        Random random = new Random(seed * 1_000_003L + epoch);
        List<Integer> order = new ArrayList<>(examples.size());
        for (int i = 0; i < examples.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, random);
        List<int[]> batches = new ArrayList<>();
        int window = microBatchSize * BUCKET_BATCHES;
        for (int start = 0; start < order.size(); start += window) {
            List<Integer> bucket = new ArrayList<>(order.subList(start, Math.min(order.size(), start + window)));
            bucket.sort(Comparator.comparingInt(i -> examples.get(i).length())); // stable: ties keep shuffle order
            for (int b = 0; b < bucket.size(); b += microBatchSize) {
                batches.add(bucket.subList(b, Math.min(bucket.size(), b + microBatchSize)).stream()
                        .mapToInt(Integer::intValue).toArray());
            }
        }
        Collections.shuffle(batches, random);
        return batches;
    }
}
