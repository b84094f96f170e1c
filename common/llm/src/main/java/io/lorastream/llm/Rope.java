package io.lorastream.llm;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position embeddings in Hugging Face's "rotate half" layout:
 * {@code x * cos + rotate_half(x) * sin}. The inverse frequencies follow transformers' float32
 * computation, including Llama 3.1's {@code llama3} frequency scaling and plain {@code linear}
 * scaling. {@code rotate_half} is a matmul with a fixed +-1 permutation matrix: exact, and one op
 * instead of slicing, negating and concatenating.
 *
 * <p>transformers builds a model in its checkpoint dtype, so for bf16 / f16 checkpoints the
 * {@code inv_freq} buffer holds values rounded to that dtype (and widened again for the float32
 * product with the positions). lorastream does the same by default
 * ({@link LoadOptions#roundRopeFrequencies()}): with float32 frequencies the tiny-llama3-a golden
 * losses drift by up to 3e-4; with the rounding they match to 4e-6. A model that transformers
 * instantiates in float32 keeps float32 frequencies (the option off).
 */
final class Rope {
    private final int headDim;
    private final float[] invFreq;

    Rope(LlamaConfig cfg, boolean roundToCheckpointDtype) {
        this.headDim = cfg.headDim();
        float[] inv = inverseFrequencies(cfg.rope(), headDim);
        this.invFreq = roundToCheckpointDtype ? roundToCheckpointDtype(inv, cfg.torchDtype()) : inv;
    }

    static float[] roundToCheckpointDtype(float[] inv, String dtype) {
        float[] out = inv.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (dtype) {
                case "bfloat16" -> HalfFloats.roundToBf16(out[i]);
                case "float16" -> HalfFloats.f16ToFloat(HalfFloats.floatToF16(out[i]));
                default -> out[i];
            };
        }
        return out;
    }

    static float[] inverseFrequencies(LlamaConfig.RopeScaling rope, int headDim) {
        int half = headDim / 2;
        float[] inv = new float[half];
        for (int i = 0; i < half; i++) {
            float exponent = (float) (2 * i) / (float) headDim;
            inv[i] = 1f / (float) Math.pow(rope.theta(), exponent);
        }
        switch (rope.type()) {
            case "linear" -> {
                for (int i = 0; i < half; i++) {
                    inv[i] = inv[i] / (float) rope.factor();
                }
            }
            case "llama3" -> llama3(rope, inv);
            default -> { }
        }
        return inv;
    }

    /** transformers' {@code _compute_llama3_parameters}, step for step in float32. */
    private static void llama3(LlamaConfig.RopeScaling r, float[] inv) {
        float factor = (float) r.factor();
        float old = r.originalMaxPositionEmbeddings();
        float lowWavelen = (float) (r.originalMaxPositionEmbeddings() / r.lowFreqFactor());
        float highWavelen = (float) (r.originalMaxPositionEmbeddings() / r.highFreqFactor());
        float twoPi = (float) (2 * Math.PI);
        for (int i = 0; i < inv.length; i++) {
            float wavelen = twoPi / inv[i];
            float scaled = wavelen > lowWavelen ? inv[i] / factor : inv[i];
            float smooth = (old / wavelen - (float) r.lowFreqFactor()) / (float) (r.highFreqFactor() - r.lowFreqFactor());
            float smoothed = (1f - smooth) * scaled / factor + smooth * scaled;
            boolean medium = !(wavelen < highWavelen) && !(wavelen > lowWavelen);
            inv[i] = medium ? smoothed : scaled;
        }
    }

    /**
     * cos and sin for positions {@code 0..seqLength-1}, shaped {@code [T, 1, 1, headDim]} so they
     * broadcast over {@code [B, T, kvHeads, group, headDim]}.
     */
    NDArray[] tables(NDManager m, int seqLength, DataType type, Device device) {
        int[] positions = new int[seqLength];
        for (int t = 0; t < seqLength; t++) {
            positions[t] = t;
        }
        return tables(m, positions, new Shape(seqLength, 1, 1, headDim), type, device);
    }

    /** cos and sin for each row's own positions {@code [B][T]}, shaped {@code [B, T, 1, 1, headDim]}. */
    NDArray[] tables(NDManager m, int[][] positions, DataType type, Device device) {
        int b = positions.length;
        int t = positions[0].length;
        int[] flat = new int[b * t];
        for (int i = 0; i < b; i++) {
            System.arraycopy(positions[i], 0, flat, i * t, t);
        }
        return tables(m, flat, new Shape(b, t, 1, 1, headDim), type, device);
    }

    private NDArray[] tables(NDManager m, int[] positions, Shape shape, DataType type, Device device) {
        float[] cos = new float[positions.length * headDim];
        float[] sin = new float[positions.length * headDim];
        int half = headDim / 2;
        for (int t = 0; t < positions.length; t++) {
            for (int i = 0; i < half; i++) {
                float angle = invFreq[i] * (float) positions[t]; // float32 product, as transformers' matmul
                float c = (float) Math.cos(angle);
                float s = (float) Math.sin(angle);
                cos[t * headDim + i] = c;
                cos[t * headDim + half + i] = c;
                sin[t * headDim + i] = s;
                sin[t * headDim + half + i] = s;
            }
        }
        return new NDArray[] {Tensors.fromFloats(m, cos, shape, type, device), Tensors.fromFloats(m, sin, shape, type, device)};
    }

    /** R with {@code x R = rotate_half(x) = cat(-x[half:], x[:half])}. */
    NDArray rotation(NDManager m, DataType type, Device device) {
        int half = headDim / 2;
        float[] r = new float[headDim * headDim];
        for (int j = 0; j < half; j++) {
            r[(j + half) * headDim + j] = -1f;
            r[j * headDim + j + half] = 1f;
        }
        return Tensors.fromFloats(m, r, new Shape(headDim, headDim), type, device);
    }

    /** Rotates {@code x [B, T, heads..., headDim]} by its positions (tables {@code [T, ...]} or per row {@code [B, T, ...]}). */
    static NDArray apply(NDArray x, ForwardPass pass) {
        return x.mul(pass.cos()).add(x.matMul(pass.rotation()).mul(pass.sin()));
    }
}
