package io.lorastream.llm;

import ai.djl.ndarray.NDArray;

/** Llama's RMSNorm: {@code weight * x / sqrt(mean(x^2) + eps)} over the last axis. */
public final class RmsNorm {
    private final NDArray weight;
    private final float eps;

    RmsNorm(NDArray weight, double eps) {
        this.weight = weight;
        this.eps = (float) eps;
    }

    /** Works on any {@code [..., hidden]} shape; results belong to x's manager. */
    public NDArray forward(NDArray x) {
        // a tensor divisor rather than rsqrt * x: no Number operand enters the graph (djl-pitfalls §3.2)
        NDArray rms = x.square().mean(new int[] {-1}, true).add(eps).sqrt();
        return x.div(rms).mul(weight);
    }

    void close() {
        weight.close();
    }
}
