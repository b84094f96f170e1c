package io.lorastream.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.lorastream.contracts.HyperParameters.LossOn;
import java.util.List;

/** Validation loss: mean cross-entropy over the unmasked tokens of a set of examples (no dropout, no graph). */
public final class Evaluation {
    private Evaluation() {}

    /**
     * Sum of token losses over all {@code examples} divided by their label-token count (so long and
     * short examples weigh by their tokens, as in training), in batches of {@code batchSize} in the
     * given order.
     *
     * @param adapter the adapter to evaluate, or null for the base model
     */
    public static double loss(LlamaModel model, LoraAdapter adapter, List<Example> examples, int batchSize, LossOn lossOn) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("no examples to evaluate");
        }
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be > 0, was " + batchSize);
        }
        int padId = model.tokenizer().padId();
        double sum = 0;
        long tokens = 0;
        try (NoGradScope noGrad = NoGradScope.enter(); NDManager root = NDManager.newBaseManager(model.device())) {
            for (int start = 0; start < examples.size(); start += batchSize) {
                TrainBatch batch = Batching.pad(examples.subList(start, Math.min(examples.size(), start + batchSize)),
                        padId, lossOn);
                try (NDManager scope = root.newSubManager()) {
                    sum += lossSum(model, adapter, batch, scope);
                }
                tokens += batch.labelTokens();
            }
        }
        return sum / tokens;
    }

    /** Summed token loss of one batch; everything it creates belongs to {@code scope}. */
    static double lossSum(LlamaModel model, LoraAdapter adapter, TrainBatch batch, NDManager scope) {
        Shape shape = new Shape(batch.batchSize(), batch.seqLength());
        NDArray ids = scope.create(batch.inputIds(), shape).toDevice(model.device(), false);
        NDArray mask = scope.create(batch.attentionMask(), shape).toDevice(model.device(), false);
        NDArray hidden = model.hiddenStates(ids, mask, adapter, false);
        TokenLoss.Targets targets = TokenLoss.of(batch);
        return TokenLoss.sum(model.head(TokenLoss.selectRows(hidden, targets.positions(), scope)), targets.ids(), scope)
                .getFloat();
    }
}
