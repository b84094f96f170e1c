package io.lorastream.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Next-token log-probabilities from logits, Hugging Face's shift: position {@code t} predicts token
 * {@code t + 1}. For evaluation and scoring; the training loss over selected rows is {@code TokenLoss}.
 */
public final class LogProbs {
    private LogProbs() {}

    /**
     * {@code log p(ids[b, t+1] | ids[b, ..t])} as float32 {@code [B, T-1]}, in the logits' manager.
     * Cross-entropy per token is its negation.
     */
    public static NDArray nextToken(NDArray logits, NDArray ids) {
        Shape s = logits.getShape();
        long t = s.get(1);
        NDArray shifted = logits.get(new NDIndex(":, 0:{}, :", t - 1));
        if (shifted.getDataType() == DataType.FLOAT16) {
            shifted = shifted.toType(DataType.FLOAT32, false);
        }
        NDArray targets = ids.get(new NDIndex(":, 1:")).toType(DataType.INT64, false).expandDims(-1);
        NDArray lp = shifted.logSoftmax(-1).gather(targets.toDevice(shifted.getDevice(), false), -1).squeeze(-1);
        return lp.getDataType() == DataType.FLOAT32 ? lp : lp.toType(DataType.FLOAT32, false);
    }

    /** Log-softmax over the vocabulary at one position: float32 {@code [B, vocab]}. */
    public static NDArray at(NDArray logits, long position) {
        NDArray row = logits.get(new NDIndex(":, {}, :", position));
        if (row.getDataType() == DataType.FLOAT16) {
            row = row.toType(DataType.FLOAT32, false);
        }
        NDArray lp = row.logSoftmax(-1);
        return lp.getDataType() == DataType.FLOAT32 ? lp : lp.toType(DataType.FLOAT32, false);
    }
}
