package io.lorastream.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.SplittableRandom;

/**
 * Generated weights in a config's shapes, for benchmarks at 8B scale without a checkpoint: norms are
 * 1, every other tensor is uniform with standard deviation 0.02, rounded to bf16 like a real Llama
 * checkpoint. Deterministic per (seed, tensor name, chunk), and generated in parallel chunks.
 */
final class RandomWeights implements WeightSource {
    private static final float HALF_WIDTH = (float) (0.02 * Math.sqrt(3)); // uniform(-a, a) has std a/sqrt(3)
    private static final int CHUNK = 1 << 16;

    private final LlamaConfig cfg;
    private final long seed;

    RandomWeights(LlamaConfig cfg, long seed) {
        this.cfg = cfg;
        this.seed = seed;
    }

    @Override
    public boolean contains(String name) {
        return true;
    }

    @Override
    public long[] shape(String name) {
        if (name.endsWith("norm.weight")) {
            return new long[] {cfg.hiddenSize()};
        }
        if (name.equals("model.embed_tokens.weight") || name.equals("lm_head.weight")) {
            return new long[] {cfg.vocabSize(), cfg.hiddenSize()};
        }
        String module = name.substring(0, name.length() - ".weight".length());
        int[] s = cfg.projectionShape(module.substring(module.lastIndexOf('.') + 1));
        return new long[] {s[0], s[1]};
    }

    @Override
    public String dtype(String name) {
        return "BF16";
    }

    @Override
    public float[] readFloats(String name) {
        long[] s = shape(name);
        float[] out = new float[Math.toIntExact(s.length == 1 ? s[0] : s[0] * s[1])];
        fill(name, 0, out);
        return out;
    }

    @Override
    public NDArray load(String name, NDManager m, DataType type) {
        return Tensors.chunked(shape(name), m, type, (from, dst) -> fill(name, from, dst));
    }

    @Override
    public Nf4.Quantized prequantized(String prefix) {
        return null;
    }

    /** Elements {@code [from, from + dst.length)} of tensor {@code name}; chunk-aligned streams keep it deterministic. */
    private void fill(String name, long from, float[] dst) {
        if (name.endsWith("norm.weight")) {
            java.util.Arrays.fill(dst, 1f);
            return;
        }
        long tensorSeed = seed * 0x9E3779B97F4A7C15L + name.hashCode();
        Nf4.parallelRanges(dst.length, CHUNK, (lo, hi) -> {
            // one stream per absolute chunk of the tensor, so any split into reads gives the same values
            long first = from + lo;
            int i = lo;
            while (i < hi) {
                long chunk = (first + (i - lo)) / CHUNK;
                SplittableRandom rng = new SplittableRandom(tensorSeed + chunk * 0xBF58476D1CE4E5B9L);
                long chunkStart = chunk * CHUNK;
                long skip = from + i - chunkStart;
                for (long k = 0; k < skip; k++) {
                    rng.nextInt();
                }
                int end = (int) Math.min(hi, chunkStart + CHUNK - from);
                for (; i < end; i++) {
                    dst[i] = HalfFloats.roundToBf16((rng.nextFloat() * 2f - 1f) * HALF_WIDTH);
                }
            }
        });
    }
}
