package io.lorastream.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * The LoRA pair of one projection: {@code loraA [r, in]} and {@code loraB [out, r]}, float32 master
 * weights (gradients attach to these arrays).
 */
public record LoraWeights(NDArray loraA, NDArray loraB) {

    /** A in the activations' type: the master itself for float32, else a cast copy owned by {@code m}. */
    NDArray a(DataType type, NDManager m) {
        return cast(loraA, type, m);
    }

    NDArray b(DataType type, NDManager m) {
        return cast(loraB, type, m);
    }

    private static NDArray cast(NDArray w, DataType type, NDManager m) {
        if (w.getDataType() == type) {
            return w;
        }
        // NOTE: toType is not differentiable in DJL; training with a FLOAT16 compute type needs another path
        return Tensors.own(w.toType(type, false), m);
    }
}
