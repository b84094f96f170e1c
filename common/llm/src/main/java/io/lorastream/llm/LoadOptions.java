package io.lorastream.llm;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;

/**
 * How {@link LlamaModel#load} loads a model.
 *
 * @param device               where the weights live and compute runs; default: the first GPU if any, else the CPU
 * @param computeType          activations and unquantized weights; default FLOAT32 on CPU, FLOAT16 on CUDA
 * @param quantize             NF4-quantize unquantized projection weights while loading (pre-quantized
 *                             bitsandbytes checkpoints are always NF4); default true
 * @param tokenizerDir         folder with {@code tokenizer.json} (and {@code tokenizer_config.json}); null = the model folder
 * @param cacheDequantized     keep a dequantized copy of each NF4 weight instead of decoding it on every
 *                             pass: TRUE, FALSE, or null = automatic (on CPU when the projections fit in
 *                             2 GiB as float32)
 * @param roundRopeFrequencies round RoPE's inverse frequencies to the checkpoint dtype, as transformers
 *                             does for a model built in its bf16 / f16 dtype (default true); false keeps
 *                             float32 frequencies, as a model transformers builds in float32
 */
public record LoadOptions(Device device, DataType computeType, boolean quantize, Path tokenizerDir,
        Boolean cacheDequantized, boolean roundRopeFrequencies) {

    public static LoadOptions defaults() {
        return new LoadOptions(null, null, true, null, null, true);
    }

    public LoadOptions withDevice(Device d) {
        return new LoadOptions(d, computeType, quantize, tokenizerDir, cacheDequantized, roundRopeFrequencies);
    }

    public LoadOptions withComputeType(DataType t) {
        return new LoadOptions(device, t, quantize, tokenizerDir, cacheDequantized, roundRopeFrequencies);
    }

    public LoadOptions withQuantize(boolean q) {
        return new LoadOptions(device, computeType, q, tokenizerDir, cacheDequantized, roundRopeFrequencies);
    }

    public LoadOptions withTokenizerDir(Path dir) {
        return new LoadOptions(device, computeType, quantize, dir, cacheDequantized, roundRopeFrequencies);
    }

    public LoadOptions withCacheDequantized(Boolean cache) {
        return new LoadOptions(device, computeType, quantize, tokenizerDir, cache, roundRopeFrequencies);
    }

    public LoadOptions withRoundRopeFrequencies(boolean round) {
        return new LoadOptions(device, computeType, quantize, tokenizerDir, cacheDequantized, round);
    }

    /** The device to use: the configured one, else GPU 0 when the engine sees one, else the CPU. */
    public Device resolvedDevice() {
        if (device != null) {
            return device;
        }
        return Engine.getInstance().getGpuCount() > 0 ? Device.gpu() : Device.cpu();
    }

    public DataType resolvedComputeType() {
        if (computeType != null) {
            return computeType;
        }
        return resolvedDevice().isGpu() ? DataType.FLOAT16 : DataType.FLOAT32;
    }
}
