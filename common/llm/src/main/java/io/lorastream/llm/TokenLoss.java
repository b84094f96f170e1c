package io.lorastream.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Cross-entropy of next-token prediction over the labelled positions of a batch. Only the rows that
 * predict a label are selected (before the vocabulary softmax where the model allows it), so the
 * loss costs O(label tokens x vocab), not O(all tokens x vocab) — 128k-entry vocabularies make the
 * difference. Returns the SUM over tokens: the caller divides by the token count it chooses (the
 * step's total for gradient accumulation, see decisions.md).
 */
final class TokenLoss {
    private TokenLoss() {}

    /**
     * Where the loss is taken: {@code positions[i]} is the flat index {@code b*T + t} of a position whose
     * next token {@code ids[i]} is a label (HF's shift: position t predicts labels[t+1]).
     */
    record Targets(long[] positions, long[] ids) {
        int count() {
            return positions.length;
        }
    }

    static Targets of(TrainBatch batch) {
        int n = batch.labelTokens();
        long[] positions = new long[n];
        long[] ids = new long[n];
        int k = 0;
        int seq = batch.seqLength();
        for (int b = 0; b < batch.batchSize(); b++) {
            for (int t = 0; t + 1 < seq; t++) {
                int label = batch.labels()[b * seq + t + 1];
                if (label != TrainBatch.IGNORE) {
                    positions[k] = (long) b * seq + t;
                    ids[k] = label;
                    k++;
                }
            }
        }
        return new Targets(positions, ids);
    }

    /** Rows {@code positions} of a {@code [B, T, D]} array as {@code [N, D]} (index_select: differentiable). */
    static NDArray selectRows(NDArray x, long[] positions, NDManager manager) {
        Shape s = x.getShape();
        NDArray flat = x.reshape(s.get(0) * s.get(1), s.get(2));
        NDArray index = manager.create(positions).toDevice(x.getDevice(), false);
        return flat.get(index);
    }

    /**
     * {@code sum_i -log softmax(logitRows[i])[ids[i]]}, in fp32 whatever the compute type (a
     * differentiable upcast: multiply by fp32 ones, since toType would cut the graph).
     */
    static NDArray sum(NDArray logitRows, long[] ids, NDManager manager) {
        return logProbs(logitRows, ids, manager).sum().neg();
    }

    /** {@code log softmax(logitRows[i])[ids[i]]} for every row: {@code [N]}, fp32. */
    static NDArray logProbs(NDArray logitRows, long[] ids, NDManager manager) {
        NDArray targets = manager.create(ids, new Shape(ids.length, 1)).toDevice(logitRows.getDevice(), false);
        return float32(logitRows, manager).logSoftmax(-1).gather(targets, 1).reshape(ids.length);
    }

    /**
     * {@code log softmax(logitRows[rows[i]])[ids[i]]}: several tokens read from one row's distribution
     * (one softmax per row however many picks): {@code [N]}, fp32.
     */
    static NDArray logProbs(NDArray logitRows, long[] rows, long[] ids, NDManager manager) {
        long vocab = logitRows.getShape().get(1);
        long[] flat = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            flat[i] = rows[i] * vocab + ids[i];
        }
        NDArray index = manager.create(flat).toDevice(logitRows.getDevice(), false);
        return float32(logitRows, manager).logSoftmax(-1).reshape(-1).get(index);
    }

    private static NDArray float32(NDArray rows, NDManager manager) {
        return rows.getDataType() == DataType.FLOAT32 ? rows
                : rows.mul(manager.ones(new Shape(1), DataType.FLOAT32, rows.getDevice()));
    }
}
