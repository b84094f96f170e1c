package io.lorastream.llm;

/**
 * A right-padded micro-batch, flattened row-major ({@code [batchSize][seqLength]}), in Hugging Face's
 * convention: {@code labels[t]} is the token position {@code t-1} must predict, {@link #IGNORE} where no
 * loss is taken (padding, and the prompt when the loss is on the completion only).
 */
public record TrainBatch(int batchSize, int seqLength, int[] inputIds, int[] attentionMask, int[] labels) {
    /** PyTorch's ignore_index. */
    public static final int IGNORE = -100;

    public TrainBatch {
        int n = batchSize * seqLength;
        if (batchSize <= 0 || seqLength <= 0 || inputIds.length != n || attentionMask.length != n || labels.length != n) {
            throw new IllegalArgumentException("batch arrays must all hold batchSize x seqLength = " + n + " entries");
        }
    }

    /** Tokens that contribute to the loss: labels not ignored, excluding position 0 (nothing predicts it). */
    public int labelTokens() {
        int count = 0;
        for (int b = 0; b < batchSize; b++) {
            for (int t = 1; t < seqLength; t++) {
                if (labels[b * seqLength + t] != IGNORE) {
                    count++;
                }
            }
        }
        return count;
    }

    /** Real (non-padding) tokens: what tokens/s counts. */
    public int realTokens() {
        int count = 0;
        for (int m : attentionMask) {
            count += m;
        }
        return count;
    }
}
