package io.lorastream.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * Where {@link LlamaModel} reads its tensors, by checkpoint name: a safetensors folder
 * ({@link SafetensorsCheckpoint}) or generated weights ({@link RandomWeights}, for 8B-shaped
 * benchmarks without a download).
 */
interface WeightSource {
    boolean contains(String name);

    /** Shape of a tensor as stored. */
    long[] shape(String name);

    /** Safetensors dtype name of a tensor as stored (F32, F16, BF16, U8). */
    String dtype(String name);

    /** A float tensor widened to float32 (a projection weight, at most 2^31 elements). */
    float[] readFloats(String name);

    /** A float tensor in {@code type} on the manager's device, converted in chunks. */
    NDArray load(String name, NDManager m, DataType type);

    /** The NF4 weight of module {@code prefix} if the source stores it quantized (bitsandbytes), else null. */
    Nf4.Quantized prequantized(String prefix);
}
