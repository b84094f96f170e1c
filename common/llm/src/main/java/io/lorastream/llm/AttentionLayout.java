package io.lorastream.llm;

/**
 * Where each token of a batch sits and what it may see, for rows that are not one plain causal
 * sequence: e.g. a prompt followed by several alternative continuations that all start at the same
 * position and see the prompt but not each other ("tree" rows). {@code positions[b][t]} is token t's
 * RoPE position; {@code allowed[b][q][k]} says whether query q may attend key k. Everything else —
 * causality, padding — is whatever {@code allowed} says, so padding must be blocked here too.
 * Every query must be allowed at least one key (let a padding token see itself).
 *
 * <p>Used through {@link LlamaModel#newPassWithLayout}. The plain causal + padding pass
 * ({@link LlamaModel#newPass}) builds its mask on the device and does not pay for this one.
 */
public record AttentionLayout(int[][] positions, boolean[][][] allowed) {
    public AttentionLayout {
        if (positions.length == 0 || positions.length != allowed.length) {
            throw new IllegalArgumentException("positions and allowed need the same, non-zero batch size: "
                    + positions.length + " vs " + allowed.length);
        }
        int t = positions[0].length;
        for (int b = 0; b < positions.length; b++) {
            if (positions[b].length != t || allowed[b].length != t) {
                throw new IllegalArgumentException("row " + b + " is not " + t + " tokens long");
            }
            for (int q = 0; q < t; q++) {
                if (positions[b][q] < 0) {
                    throw new IllegalArgumentException("negative position at row " + b + ", token " + q);
                }
                boolean[] keys = allowed[b][q];
                if (keys.length != t) {
                    throw new IllegalArgumentException("allowed[" + b + "][" + q + "] has " + keys.length + " keys, not " + t);
                }
                boolean any = false;
                for (int k = 0; k < t && !any; k++) {
                    any = keys[k];
                }
                if (!any) {
                    throw new IllegalArgumentException("query " + q + " of row " + b + " may attend no key");
                }
            }
        }
    }

    public int batchSize() {
        return positions.length;
    }

    public int seqLength() {
        return positions[0].length;
    }

    int maxPosition() {
        int max = 0;
        for (int[] row : positions) {
            for (int p : row) {
                max = Math.max(max, p);
            }
        }
        return max;
    }
}
