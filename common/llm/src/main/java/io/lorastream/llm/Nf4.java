package io.lorastream.llm;

import java.util.stream.IntStream;

/**
 * NF4 4-bit quantization exactly as bitsandbytes 0.50 does it (shared/notes/nf4-format.md, the
 * normative reference): blocks of 64 weights share a float32 absmax; each weight becomes the code of
 * the nearest NF4 value (ties go to the lower code), two codes per byte with the even element in the
 * high nibble. With double quantization the absmax values lose their mean {@code c} and are coded in
 * 8 bits with the 256-entry dynamic map, one float32 scale per 256 of them.
 *
 * <p>All arithmetic is float32 with one rounding per operation, as the note prescribes; nothing here
 * touches DJL, so the packed bytes are bit-exact on every machine.
 */
public final class Nf4 {
    private Nf4() {}

    public static final int BLOCK = 64;
    public static final int NESTED_BLOCK = 256;

    /** fl(1e-38), a subnormal: the floor of partial-block absmax values (§3.1). */
    static final float EPS = Float.intBitsToFloat(0x006ce3ee);

    private static final int[] NF4_BITS = {
        0xbf800000, 0xbf3239b1, 0xbf066b30, 0xbeca32a0, 0xbe91a24d, 0xbe3d353f, 0xbdba7871, 0x00000000,
        0x3da2faff, 0x3e24cae3, 0x3e7c04dd, 0x3ead033a, 0x3ee1a4b8, 0x3f1007ab, 0x3f3913b3, 0x3f800000,
    };

    /** bitsandbytes' signed dynamic map with 7 exponent bits (§2.3); not symmetric: DYN[0] != -1. */
    private static final int[] DYN_BITS = {
            0xbf7e3333, 0xbf7a999a, 0xbf770000, 0xbf736666, 0xbf6fcccd, 0xbf6c3333, 0xbf68999a, 0xbf650000,
            0xbf616666, 0xbf5dcccd, 0xbf5a3333, 0xbf56999a, 0xbf530000, 0xbf4f6666, 0xbf4bcccd, 0xbf483333,
            0xbf44999a, 0xbf410000, 0xbf3d6666, 0xbf39cccd, 0xbf363334, 0xbf32999a, 0xbf2f0000, 0xbf2b6666,
            0xbf27cccd, 0xbf243334, 0xbf20999a, 0xbf1d0000, 0xbf196666, 0xbf15cccd, 0xbf123334, 0xbf0e999a,
            0xbf0b0000, 0xbf076666, 0xbf03cccc, 0xbf003333, 0xbef93332, 0xbef20000, 0xbeeacccc, 0xbee3999a,
            0xbedc6666, 0xbed53333, 0xbece0000, 0xbec6cccc, 0xbebf999a, 0xbeb86666, 0xbeb13333, 0xbeaa0000,
            0xbea2cccc, 0xbe9b999a, 0xbe946666, 0xbe8d3334, 0xbe860000, 0xbe7d9999, 0xbe6f3333, 0xbe60cccd,
            0xbe526666, 0xbe440000, 0xbe35999a, 0xbe273333, 0xbe18cccd, 0xbe0a6666, 0xbdf80000, 0xbddb3334,
            0xbdc9eb85, 0xbdc428f7, 0xbdbe6667, 0xbdb8a3d7, 0xbdb2e148, 0xbdad1eb8, 0xbda75c2a, 0xbda1999a,
            0xbd9bd70a, 0xbd96147b, 0xbd9051eb, 0xbd8a8f5d, 0xbd84cccd, 0xbd7e147b, 0xbd728f5d, 0xbd670a3d,
            0xbd5b851f, 0xbd500000, 0xbd447ae1, 0xbd38f5c3, 0xbd2d70a3, 0xbd21eb85, 0xbd166667, 0xbd0ae148,
            0xbcfeb852, 0xbce7ae15, 0xbcd0a3d7, 0xbcb9999a, 0xbca28f5d, 0xbc8b851f, 0xbc68f5c3, 0xbc3ae148,
            0xbc1f3b64, 0xbc160418, 0xbc0ccccd, 0xbc039581, 0xbbf4bc6a, 0xbbe24dd3, 0xbbcfdf3b, 0xbbbd70a4,
            0xbbab020d, 0xbb989374, 0xbb8624dd, 0xbb676c8a, 0xbb428f5c, 0xbb1db22d, 0xbaf1a9fc, 0xbaa7ef9d,
            0xba7765ff, 0xba59e83e, 0xba3c6a80, 0xba1eecc1, 0xba016f01, 0xb9c7e283, 0xb98ce705, 0xb923d70b,
            0xb8ba1f4b, 0xb88aefb3, 0xb8378034, 0xb7b24206, 0xb70205ff, 0xb65a1a94, 0xb513a3b7, 0x00000000,
            0x3513a3b7, 0x365a1a94, 0x370205ff, 0x37b24206, 0x38378034, 0x388aefb3, 0x38ba1f4b, 0x3923d70b,
            0x398ce705, 0x39c7e283, 0x3a016f01, 0x3a1eecc1, 0x3a3c6a80, 0x3a59e83e, 0x3a7765ff, 0x3aa7ef9d,
            0x3af1a9fc, 0x3b1db22d, 0x3b428f5c, 0x3b676c8a, 0x3b8624dd, 0x3b989374, 0x3bab020d, 0x3bbd70a4,
            0x3bcfdf3b, 0x3be24dd3, 0x3bf4bc6a, 0x3c039581, 0x3c0ccccd, 0x3c160418, 0x3c1f3b64, 0x3c3ae148,
            0x3c68f5c3, 0x3c8b851f, 0x3ca28f5d, 0x3cb9999a, 0x3cd0a3d7, 0x3ce7ae15, 0x3cfeb852, 0x3d0ae148,
            0x3d166667, 0x3d21eb85, 0x3d2d70a3, 0x3d38f5c3, 0x3d447ae1, 0x3d500000, 0x3d5b851f, 0x3d670a3d,
            0x3d728f5d, 0x3d7e147b, 0x3d84cccd, 0x3d8a8f5d, 0x3d9051eb, 0x3d96147b, 0x3d9bd70a, 0x3da1999a,
            0x3da75c2a, 0x3dad1eb8, 0x3db2e148, 0x3db8a3d7, 0x3dbe6667, 0x3dc428f7, 0x3dc9eb85, 0x3ddb3334,
            0x3df80000, 0x3e0a6666, 0x3e18cccd, 0x3e273333, 0x3e35999a, 0x3e440000, 0x3e526666, 0x3e60cccd,
            0x3e6f3333, 0x3e7d9999, 0x3e860000, 0x3e8d3334, 0x3e946666, 0x3e9b999a, 0x3ea2cccc, 0x3eaa0000,
            0x3eb13333, 0x3eb86666, 0x3ebf999a, 0x3ec6cccc, 0x3ece0000, 0x3ed53333, 0x3edc6666, 0x3ee3999a,
            0x3eeacccc, 0x3ef20000, 0x3ef93332, 0x3f003333, 0x3f03cccc, 0x3f076666, 0x3f0b0000, 0x3f0e999a,
            0x3f123334, 0x3f15cccd, 0x3f196666, 0x3f1d0000, 0x3f20999a, 0x3f243334, 0x3f27cccd, 0x3f2b6666,
            0x3f2f0000, 0x3f32999a, 0x3f363334, 0x3f39cccd, 0x3f3d6666, 0x3f410000, 0x3f44999a, 0x3f483333,
            0x3f4bcccd, 0x3f4f6666, 0x3f530000, 0x3f56999a, 0x3f5a3333, 0x3f5dcccd, 0x3f616666, 0x3f650000,
            0x3f68999a, 0x3f6c3333, 0x3f6fcccd, 0x3f736666, 0x3f770000, 0x3f7a999a, 0x3f7e3333, 0x3f800000,
    };

    /** The 16 NF4 code values, ascending (code 7 = 0). */
    static final float[] NF4 = floats(NF4_BITS);
    /** The 256 nested (absmax) code values, ascending. */
    static final float[] DYN = floats(DYN_BITS);
    /** Decision thresholds between neighbouring codes: fl((v[j] + v[j+1]) / 2). */
    private static final float[] T = midpoints(NF4);
    private static final float[] U = midpoints(DYN);
    /** Cells of width 1/256 over [-1, 1]: the code count below each cell's lower edge, a starting guess. */
    private static final int GRID = 512;
    private static final byte[] GUESS = guesses();

    /** Float mean used for the double-quantization offset (bitsandbytes: torch's float32 {@code mean()}). */
    @FunctionalInterface
    public interface Mean {
        float of(float[] values);
    }

    /** The mean as float32 of the double-precision sum (torch's float32 mean may differ by 1 ulp, §4.1). */
    public static final Mean JAVA_MEAN = v -> {
        double s = 0;
        for (float x : v) {
            s += x;
        }
        return (float) s / v.length;
    };

    /**
     * One quantized {@code [rows, cols]} weight in bitsandbytes' layout.
     *
     * @param packed       codes, two per byte, even element in the high nibble; {@code ceil(n/2)} bytes
     * @param absmax       the float32 block absmax values (null when read from a double-quantized checkpoint)
     * @param absmaxCodes  double quant: 8-bit codes of {@code absmax - offset} (null without double quant)
     * @param nestedAbsmax double quant: one float32 scale per 256 blocks
     * @param offset       double quant: {@code c}, the mean of absmax
     * @param dtype        the weight's dtype before quantization ({@code bfloat16}, {@code float16},
     *                     {@code float32}): bitsandbytes' dequantize returns values rounded to it
     */
    public record Quantized(int rows, int cols, byte[] packed, float[] absmax, byte[] absmaxCodes,
            float[] nestedAbsmax, float offset, String dtype) {
        public long numel() {
            return (long) rows * cols;
        }

        public int blocks() {
            return blocks(numel());
        }

        public boolean doubleQuantized() {
            return absmaxCodes != null;
        }

        static int blocks(long n) {
            return (int) ((n + BLOCK - 1) / BLOCK);
        }
    }

    /** Quantizes a float32 weight with double quantization (Unsloth's default), the offset from {@link #JAVA_MEAN}. */
    public static Quantized quantize(float[] w, int rows, int cols) {
        return quantize(w, rows, cols, JAVA_MEAN, "float32");
    }

    /**
     * Quantizes a row-major {@code [rows, cols]} float32 weight with double quantization (§3, §4).
     * Blocks are independent, so they run in parallel without changing a bit of the result.
     */
    public static Quantized quantize(float[] w, int rows, int cols, Mean mean, String dtype) {
        long n = (long) rows * cols;
        if (w.length != n) {
            throw new IllegalArgumentException("weight has " + w.length + " values, shape says " + n);
        }
        int nb = Quantized.blocks(n);
        float[] absmax = new float[nb];
        byte[] packed = new byte[(int) ((n + 1) / 2)];
        parallelRanges(nb, 2048, (from, to) -> {
            for (int b = from; b < to; b++) {
                quantizeBlock(w, b, absmax, packed);
            }
        });
        // double quantization of absmax (§4)
        float c = mean.of(absmax);
        float[] d = new float[nb];
        for (int b = 0; b < nb; b++) {
            d[b] = absmax[b] - c;
        }
        int nb2 = (nb + NESTED_BLOCK - 1) / NESTED_BLOCK;
        float[] nested = new float[nb2];
        byte[] codes = new byte[nb];
        for (int g = 0; g < nb2; g++) {
            int lo = g * NESTED_BLOCK;
            int hi = Math.min(nb, lo + NESTED_BLOCK);
            float a2 = 0f;
            for (int b = lo; b < hi; b++) {
                a2 = Math.max(a2, Math.abs(d[b]));
            }
            boolean partial = hi - lo < NESTED_BLOCK;
            if (partial) {
                a2 = Math.max(a2, EPS);
            }
            nested[g] = a2;
            float r = 1f / Math.max(a2, EPS);
            for (int b = lo; b < hi; b++) {
                float t = partial ? d[b] / a2 : d[b] * r;
                codes[b] = (byte) countBelow(U, clamp(t));
            }
        }
        return new Quantized(rows, cols, packed, absmax, codes, nested, c, dtype);
    }

    private static void quantizeBlock(float[] w, int b, float[] absmax, byte[] packed) {
        int lo = b * BLOCK;
        int hi = (int) Math.min(w.length, (long) lo + BLOCK);
        float amax = 0f;
        for (int i = lo; i < hi; i++) {
            amax = Math.max(amax, Math.abs(w[i]));
        }
        boolean partial = hi - lo < BLOCK;
        if (partial) {
            amax = Math.max(amax, EPS);
        }
        absmax[b] = amax;
        // full blocks multiply by a rounded reciprocal, the partial last block divides (§3.2)
        float r = 1f / Math.max(amax, EPS);
        for (int i = lo; i < hi; i += 2) {
            int hiCode = nf4Code(clamp(partial ? w[i] / amax : w[i] * r));
            int loCode = 7; // the padding element of an odd count has s = 0
            if (i + 1 < hi) {
                loCode = nf4Code(clamp(partial ? w[i + 1] / amax : w[i + 1] * r));
            }
            packed[i / 2] = (byte) ((hiCode << 4) | loCode);
        }
    }

    /** The dequantization scale of each 64-block: {@code fl(fl(DYN[qa] * A2) + c)} (§5.1), or the raw absmax. */
    public static float[] blockScales(Quantized q) {
        if (!q.doubleQuantized()) {
            return q.absmax().clone();
        }
        int nb = q.blocks();
        float[] s = new float[nb];
        for (int b = 0; b < nb; b++) {
            float scaled = DYN[q.absmaxCodes()[b] & 0xFF] * q.nestedAbsmax()[b / NESTED_BLOCK];
            s[b] = scaled + q.offset(); // two roundings in this order, no FMA
        }
        return s;
    }

    /**
     * bitsandbytes' {@code dequantize_4bit}: {@link #dequantize(Quantized)} rounded to the recorded
     * dtype (§5.3), e.g. to bf16 for an Unsloth checkpoint; float32 stays as is.
     */
    public static float[] dequantizeAsRecorded(Quantized q) {
        float[] w = dequantize(q);
        for (int i = 0; i < w.length; i++) {
            w[i] = roundTo(q.dtype(), w[i]);
        }
        return w;
    }

    static float roundTo(String dtype, float f) {
        return switch (dtype) {
            case "bfloat16" -> HalfFloats.roundToBf16(f);
            case "float16" -> HalfFloats.f16ToFloat(HalfFloats.floatToF16(f));
            default -> f;
        };
    }

    /** Mantissa bits of a recorded dtype (bf16 8, f16 11, f32 24). */
    static int precisionBits(String dtype) {
        return switch (dtype) {
            case "bfloat16" -> 8;
            case "float16" -> 11;
            case "float32" -> 24;
            default -> throw new IllegalArgumentException("unknown quantized weight dtype '" + dtype + "'");
        };
    }

    /** The safetensors dtype name as bitsandbytes records it. */
    static String recordedDtype(String safetensorsDtype) {
        return switch (safetensorsDtype) {
            case "BF16" -> "bfloat16";
            case "F16" -> "float16";
            case "F32" -> "float32";
            default -> throw new IllegalArgumentException("cannot quantize a " + safetensorsDtype + " weight");
        };
    }

    /** Reference dequantization in Java (§5.2): row-major float32 {@code [rows, cols]}, not rounded. */
    public static float[] dequantize(Quantized q) {
        float[] scale = blockScales(q);
        int n = (int) q.numel();
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            int b = q.packed()[i >> 1] & 0xFF;
            int code = (i & 1) == 0 ? b >>> 4 : b & 0x0F;
            out[i] = NF4[code] * scale[i / BLOCK];
        }
        return out;
    }

    /**
     * The lookup table {@code byte -> (NF4[high nibble], NF4[low nibble])}, 256 x 2 row-major: gathered
     * with an embedding op it decodes packed codes without bit operations, which DJL lacks.
     */
    static float[] pairTable() {
        float[] t = new float[512];
        for (int b = 0; b < 256; b++) {
            t[2 * b] = NF4[b >>> 4];
            t[2 * b + 1] = NF4[b & 0x0F];
        }
        return t;
    }

    /** True when {@code map} holds exactly the NF4 table, bit for bit. */
    static boolean isNf4Map(float[] map) {
        return sameBits(map, NF4_BITS);
    }

    /** True when {@code map} holds exactly the 256-entry dynamic map, bit for bit. */
    static boolean isDynamicMap(float[] map) {
        return sameBits(map, DYN_BITS);
    }

    /**
     * Bytes of one double-quantized {@code [rows, cols]} weight as bitsandbytes stores it: packed codes
     * {@code ceil(n/2)}, 8-bit absmax {@code nb}, float32 nested absmax {@code 4 nb2} and the two stored
     * maps (64 + 1024 bytes); the per-tensor JSON (~170 bytes) is left out.
     */
    public static long storageBytes(long rows, long cols) {
        long n = rows * cols;
        long nb = (n + BLOCK - 1) / BLOCK;
        long nb2 = (nb + NESTED_BLOCK - 1) / NESTED_BLOCK;
        return (n + 1) / 2 + nb + 4 * nb2 + 4 * 16 + 4 * 256;
    }

    /**
     * Memory of a model's NF4 weights (the seven projections of every layer, double quantization,
     * §6), from its config alone. For Llama-3.1-8B (shared/models/llama-3.1-8b-instruct-config) it is
     * <b>3,600,660,480 bytes (3.35 GiB)</b> for 6,979,321,856 weights, about 4.127 bits per weight;
     * the unquantized embedding and lm_head add 2 x 1,050,673,152 bytes in bf16.
     */
    public static long quantizedWeightBytes(LlamaConfig cfg) {
        long perLayer = 0;
        for (String m : LoraConfig.ALL_TARGETS) {
            int[] s = cfg.projectionShape(m);
            perLayer += storageBytes(s[0], s[1]);
        }
        return perLayer * cfg.numHiddenLayers();
    }

    /**
     * {@link #countBelow}{@code (T, s)} for s in [-1, 1], fast: a grid guess, then exact comparisons
     * against the thresholds move it to the one code with {@code T[q-1] < s <= T[q]} (usually none).
     */
    static int nf4Code(float s) {
        int cell = Math.min(GRID - 1, Math.max(0, (int) ((s + 1f) * (GRID / 2))));
        int q = GUESS[cell];
        while (q < T.length && T[q] < s) {
            q++;
        }
        while (q > 0 && !(T[q - 1] < s)) {
            q--;
        }
        return q;
    }

    private static byte[] guesses() {
        byte[] g = new byte[GRID];
        for (int c = 0; c < GRID; c++) {
            g[c] = (byte) countBelow(T, -1f + 2f * c / GRID);
        }
        return g;
    }

    /** Number of thresholds strictly below {@code s}: the nearest code, ties to the lower one (§3.3). */
    private static int countBelow(float[] thresholds, float s) {
        int lo = 0;
        int hi = thresholds.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (thresholds[mid] < s) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static float clamp(float s) {
        return Math.max(-1f, Math.min(1f, s));
    }

    private static float[] floats(int[] bits) {
        float[] f = new float[bits.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = Float.intBitsToFloat(bits[i]);
        }
        return f;
    }

    private static float[] midpoints(float[] v) {
        float[] t = new float[v.length - 1];
        for (int j = 0; j < t.length; j++) {
            t[j] = (v[j] + v[j + 1]) / 2f;
        }
        return t;
    }

    private static boolean sameBits(float[] map, int[] bits) {
        if (map.length != bits.length) {
            return false;
        }
        for (int i = 0; i < bits.length; i++) {
            if (Float.floatToRawIntBits(map[i]) != bits[i]) {
                return false;
            }
        }
        return true;
    }

    interface RangeTask {
        void run(int from, int to);
    }

    /** Runs {@code task} over {@code [0, n)} in chunks, in parallel when there is more than one chunk. */
    static void parallelRanges(int n, int chunk, RangeTask task) {
        int chunks = (n + chunk - 1) / chunk;
        if (chunks <= 1) {
            task.run(0, n);
            return;
        }
        IntStream.range(0, chunks).parallel().forEach(c -> task.run(c * chunk, Math.min(n, (c + 1) * chunk)));
    }
}
