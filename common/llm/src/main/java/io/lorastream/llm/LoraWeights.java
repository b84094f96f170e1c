package io.lorastream.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * The LoRA pair of one projection: {@code loraA [r, in]} and {@code loraB [out, r]}, float32 master
 * weights (gradients attach to these arrays).
 */
public record LoraWeights(NDArray loraA, NDArray loraB) {

    /** A in the activations' type: the master itself for float32, else a cast copy in the pass's manager. */
    NDArray a(DataType type, ForwardPass pass) {
        return cast(loraA, type, pass);
    }

    NDArray b(DataType type, ForwardPass pass) {
        return cast(loraB, type, pass);
    }

    private static NDArray cast(NDArray w, DataType type, ForwardPass pass) {
        if (w.getDataType() == type) {
            return w;
        }
        // NOTE: toType is not differentiable in DJL; training with a FLOAT16 compute type needs another path
        return Tensors.own(w.toType(type, false), pass.manager());
    }
}
