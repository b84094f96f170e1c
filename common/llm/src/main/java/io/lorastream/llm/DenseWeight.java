package io.lorastream.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/** An unquantized projection weight held in the compute type. */
final class DenseWeight implements LinearWeight {
    private final NDArray weight;

    DenseWeight(NDArray weight) {
        this.weight = weight;
    }

    @Override
    public NDArray weight(NDManager m) {
        return weight;
    }

    @Override
    public boolean isTransient() {
        return false;
    }

    @Override
    public int outFeatures() {
        return (int) weight.getShape().get(0);
    }

    @Override
    public int inFeatures() {
        return (int) weight.getShape().get(1);
    }

    @Override
    public void close() {
        weight.close();
    }
}
