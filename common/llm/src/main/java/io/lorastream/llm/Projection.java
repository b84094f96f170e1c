package io.lorastream.llm;

import ai.djl.ndarray.NDArray;

/**
 * One linear layer of a decoder block ({@code q_proj} ... {@code down_proj}): the frozen base weight
 * (dense or NF4) plus, when the adapter of the current batch targets it, PEFT's LoRA term
 * {@code B(A(dropout(x))) * alpha/r}. The adapter is an argument, not a field, because inference
 * keeps several adapters loaded and switches between batches.
 */
public final class Projection {
    private final String name;
    private final LinearWeight base;

    Projection(String name, LinearWeight base) {
        this.name = name;
        this.base = base;
    }

    /** Module path as in the checkpoint, e.g. {@code model.layers.0.self_attn.q_proj}. */
    public String name() {
        return name;
    }

    /** PEFT module name, e.g. {@code q_proj}. */
    public String module() {
        return name.substring(name.lastIndexOf('.') + 1);
    }

    public int outFeatures() {
        return base.outFeatures();
    }

    public int inFeatures() {
        return base.inFeatures();
    }

    LinearWeight base() {
        return base;
    }

    public NDArray forward(NDArray x, ForwardPass pass, LoraAdapter adapter) {
        NDArray w = base.weight(x.getManager());
        NDArray y = linear(x, w);
        if (base.isTransient()) {
            w.close(); // one decoded weight at a time; autograd holds its own reference for backward
        }
        LoraWeights lora = adapter == null ? null : adapter.weights(name);
        if (lora == null) {
            return y;
        }
        NDArray in = x;
        if (pass.training() && adapter.config().dropout() > 0) {
            in = x.getNDArrayInternal().dropout(x, (float) adapter.config().dropout(), true).singletonOrThrow();
        }
        // scale the rank-r intermediate, not the output: same value for power-of-two alpha/r, fewer flops
        NDArray down = linear(in, lora.a(x.getDataType(), x.getManager())).mul(pass.scalar(adapter.scaling()));
        return y.add(linear(down, lora.b(x.getDataType(), x.getManager())));
    }

    /** {@code x W^T}; the result belongs to x's manager. */
    static NDArray linear(NDArray x, NDArray w) {
        return x.getNDArrayInternal().linear(x, w, null).singletonOrThrow();
    }

    void close() {
        base.close();
    }
}
