package io.lorastream.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Grouped-query self-attention, written out (DJL has no scaled-dot-product attention): queries are
 * viewed as {@code [B, kvHeads, group, T, headDim]} so each key/value head serves its group by
 * broadcasting, without copying keys and values {@code group} times.
 */
public final class Attention {
    private final Projection qProj;
    private final Projection kProj;
    private final Projection vProj;
    private final Projection oProj;
    private final int heads;
    private final int kvHeads;
    private final int headDim;

    Attention(Projection qProj, Projection kProj, Projection vProj, Projection oProj, LlamaConfig cfg) {
        this.qProj = qProj;
        this.kProj = kProj;
        this.vProj = vProj;
        this.oProj = oProj;
        this.heads = cfg.numAttentionHeads();
        this.kvHeads = cfg.numKeyValueHeads();
        this.headDim = cfg.headDim();
    }

    public NDArray forward(NDArray x, ForwardPass pass, LoraAdapter adapter) {
        Shape s = x.getShape();
        long b = s.get(0);
        long t = s.get(1);
        int group = heads / kvHeads;
        // rotate in [B, T, kv, group, hd] layout (cos/sin are [T, 1, 1, hd]), then move heads forward
        NDArray q = Rope.apply(qProj.forward(x, pass, adapter).reshape(b, t, kvHeads, group, headDim), pass)
                .transpose(0, 2, 3, 1, 4); // [B, kv, group, T, hd]
        NDArray k = Rope.apply(kProj.forward(x, pass, adapter).reshape(b, t, kvHeads, 1, headDim), pass)
                .transpose(0, 2, 3, 4, 1); // [B, kv, 1, hd, T]
        NDArray v = vProj.forward(x, pass, adapter).reshape(b, t, kvHeads, 1, headDim)
                .transpose(0, 2, 3, 1, 4); // [B, kv, 1, T, hd]
        NDArray scores = q.matMul(k).mul(pass.attentionScale()).add(pass.mask()); // [B, kv, group, T, T]
        NDArray out = scores.softmax(-1).matMul(v) // [B, kv, group, T, hd]
                .transpose(0, 3, 1, 2, 4)
                .reshape(b, t, (long) heads * headDim);
        return oProj.forward(out, pass, adapter);
    }

    public Projection qProj() {
        return qProj;
    }

    public Projection kProj() {
        return kProj;
    }

    public Projection vProj() {
        return vProj;
    }

    public Projection oProj() {
        return oProj;
    }
}
