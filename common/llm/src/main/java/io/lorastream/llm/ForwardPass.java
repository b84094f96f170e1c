package io.lorastream.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.HashMap;
import java.util.Map;

/**
 * Per-pass state shared by all layers of one forward: the caller's manager (which owns every
 * intermediate), RoPE tables for the sequence length, the additive attention mask, tensor constants,
 * and whether LoRA dropout is active. Created by {@link LlamaModel#newPass}; holding it lets a caller
 * run {@code layer(i)} alone, e.g. to recompute one layer in backward.
 */
public final class ForwardPass {
    private final NDManager manager;
    private final DataType computeType;
    private final int batchSize;
    private final int seqLength;
    private final boolean training;
    private final NDArray cos;
    private final NDArray sin;
    private final NDArray rotation;
    private final NDArray mask;
    private final NDArray attentionScale;
    private final Map<Float, NDArray> scalars = new HashMap<>();

    ForwardPass(NDManager manager, DataType computeType, int batchSize, int seqLength, boolean training,
            NDArray cos, NDArray sin, NDArray rotation, NDArray mask, NDArray attentionScale) {
        this.manager = manager;
        this.computeType = computeType;
        this.batchSize = batchSize;
        this.seqLength = seqLength;
        this.training = training;
        this.cos = cos;
        this.sin = sin;
        this.rotation = rotation;
        this.mask = mask;
        this.attentionScale = attentionScale;
    }

    public NDManager manager() {
        return manager;
    }

    public DataType computeType() {
        return computeType;
    }

    public int batchSize() {
        return batchSize;
    }

    public int seqLength() {
        return seqLength;
    }

    /** LoRA dropout on (training) or off (evaluation, inference). */
    public boolean training() {
        return training;
    }

    NDArray cos() {
        return cos;
    }

    NDArray sin() {
        return sin;
    }

    NDArray rotation() {
        return rotation;
    }

    /** Additive mask {@code [B or 1, 1, 1, T, T]}: 0 where a query may attend, the dtype's minimum elsewhere. */
    NDArray mask() {
        return mask;
    }

    NDArray attentionScale() {
        return attentionScale;
    }

    /** A 0-d tensor constant in the compute type, made once per pass (Number operands break autograd). */
    synchronized NDArray scalar(float value) {
        return scalars.computeIfAbsent(value, v -> Tensors.scalar(manager, v, computeType, cos.getDevice()));
    }
}
