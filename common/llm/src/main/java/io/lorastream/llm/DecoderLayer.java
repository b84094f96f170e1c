package io.lorastream.llm;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * One Llama block: {@code h + attn(norm(h))}, then {@code h + mlp(norm(h))}. It runs on its own
 * (given its input and a {@link ForwardPass}), which is what per-layer recomputation in backward needs.
 */
public final class DecoderLayer {
    private final int index;
    private final RmsNorm inputLayernorm;
    private final Attention selfAttn;
    private final RmsNorm postAttentionLayernorm;
    private final Mlp mlp;

    DecoderLayer(int index, RmsNorm inputLayernorm, Attention selfAttn, RmsNorm postAttentionLayernorm, Mlp mlp) {
        this.index = index;
        this.inputLayernorm = inputLayernorm;
        this.selfAttn = selfAttn;
        this.postAttentionLayernorm = postAttentionLayernorm;
        this.mlp = mlp;
    }

    /** {@code h [B, T, hidden]} to the layer's output; results belong to h's manager. */
    public NDArray forward(NDArray h, ForwardPass pass, LoraAdapter adapter) {
        NDArray afterAttention = h.add(selfAttn.forward(inputLayernorm.forward(h), pass, adapter));
        return afterAttention.add(mlp.forward(postAttentionLayernorm.forward(afterAttention), pass, adapter));
    }

    public int index() {
        return index;
    }

    public Attention selfAttn() {
        return selfAttn;
    }

    public Mlp mlp() {
        return mlp;
    }

    /** The seven projections in PEFT's order: q, k, v, o, gate, up, down. */
    public List<Projection> projections() {
        return List.of(selfAttn.qProj(), selfAttn.kProj(), selfAttn.vProj(), selfAttn.oProj(),
                mlp.gateProj(), mlp.upProj(), mlp.downProj());
    }

    void close() {
        inputLayernorm.close();
        postAttentionLayernorm.close();
        projections().forEach(Projection::close);
    }
}
