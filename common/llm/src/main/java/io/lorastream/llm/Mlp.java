package io.lorastream.llm;

import ai.djl.ndarray.NDArray;

/** Llama's SwiGLU feed-forward: {@code down(silu(gate(x)) * up(x))}. */
public final class Mlp {
    private final Projection gateProj;
    private final Projection upProj;
    private final Projection downProj;

    Mlp(Projection gateProj, Projection upProj, Projection downProj) {
        this.gateProj = gateProj;
        this.upProj = upProj;
        this.downProj = downProj;
    }

    public NDArray forward(NDArray x, ForwardPass pass, LoraAdapter adapter) {
        NDArray gate = gateProj.forward(x, pass, adapter);
        NDArray silu = gate.mul(gate.getNDArrayInternal().sigmoid()); // DJL has no silu op; swish(1) multiplies by a Number
        return downProj.forward(silu.mul(upProj.forward(x, pass, adapter)), pass, adapter);
    }

    public Projection gateProj() {
        return gateProj;
    }

    public Projection upProj() {
        return upProj;
    }

    public Projection downProj() {
        return downProj;
    }
}
