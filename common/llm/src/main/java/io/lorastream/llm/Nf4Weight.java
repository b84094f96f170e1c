package io.lorastream.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import java.util.Arrays;

/**
 * An NF4 projection weight on the device: the packed codes (uint8, two per byte) and one float32
 * scale per 64-block ({@link Nf4#blockScales}, computed once in Java). Decoding is three ops: the
 * bytes become indices, an embedding gathers {@code (NF4[hi], NF4[lo])} pairs from a 256 x 2 table
 * (DJL has no bit operations), and each 64-block is multiplied by its scale; the float32 products are
 * exactly bitsandbytes' {@code NF4[q] * absmax'}. Like bitsandbytes' {@code dequantize_4bit} (and its
 * bf16-compute forward), the result is then rounded to the weight's recorded dtype: for bf16 a
 * Veltkamp split {@code t = x * (2^16 + 1); x' = t - (t - x)}, three float ops that round to nearest
 * even exactly (checked against Java's rounding), since DJL cannot hold bf16.
 */
final class Nf4Weight implements LinearWeight {
    private final int rows;
    private final int cols;
    private final NDArray packed;
    private final NDArray scales;
    private final NDArray pairTable;
    private final DataType computeType;
    private final int precisionBits;
    private NDArray cached;

    private Nf4Weight(int rows, int cols, NDArray packed, NDArray scales, NDArray pairTable, DataType computeType,
            int precisionBits) {
        this.rows = rows;
        this.cols = cols;
        this.packed = packed;
        this.scales = scales;
        this.pairTable = pairTable;
        this.computeType = computeType;
        this.precisionBits = precisionBits;
    }

    /** Puts a quantized weight on the manager's device; {@code pairTable} is the model's shared 256 x 2 table. */
    static Nf4Weight create(NDManager m, Nf4.Quantized q, NDArray pairTable, DataType computeType) {
        int nb = q.blocks();
        byte[] bytes = q.packed();
        if (bytes.length != nb * Nf4.BLOCK / 2) {
            // pad the last partial block with code pairs 0x77 (= 0, 0) so the blocks reshape evenly
            int used = bytes.length;
            bytes = Arrays.copyOf(bytes, nb * Nf4.BLOCK / 2);
            Arrays.fill(bytes, used, bytes.length, (byte) 0x77);
        }
        NDArray packed = Tensors.fromBytes(m, bytes, new Shape(bytes.length));
        NDArray scales = Tensors.fromFloats(m, Nf4.blockScales(q), new Shape(nb, 1), DataType.FLOAT32);
        return new Nf4Weight(q.rows(), q.cols(), packed, scales, pairTable, computeType, Nf4.precisionBits(q.dtype()));
    }

    /**
     * The dequantized {@code [rows, cols]} weight in the compute type, owned by {@code m}; the decode's
     * intermediates (several times the weight's size) are freed before this returns.
     */
    NDArray dequantize(NDManager m) {
        try (NDManager scratch = m.newSubManager()) {
            NDArray index = Tensors.own(packed.toType(DataType.INT32, false), scratch);
            NDArray pairs = index.getNDArrayInternal().embedding(index, pairTable, SparseFormat.DENSE).singletonOrThrow();
            // in place where possible: no graph is recorded for the frozen weight, and each avoided
            // temporary is a weight-sized allocation
            NDArray w = pairs.reshape(scales.getShape().get(0), Nf4.BLOCK).muli(scales);
            if (precisionBits < 24) {
                NDArray t = w.mul((float) ((1 << (24 - precisionBits)) + 1)); // Number is safe: no gradient
                w.subi(t); // w - t = -(t - w) exactly
                w = t.addi(w); // t - (t - w): x rounded to the recorded dtype's precision
            }
            long n = (long) rows * cols;
            if (w.size() != n) {
                w = w.reshape(-1).get(new NDIndex("0:{}", n));
            }
            w = w.reshape(rows, cols);
            if (computeType != DataType.FLOAT32) {
                w = w.toType(computeType, false);
            }
            w.attach(m);
            return w;
        }
    }

    /** Keeps a decoded copy (tiny CPU models): trades memory for skipping the decode on every pass. */
    void cacheDequantized(NDManager modelManager) {
        if (cached == null) {
            cached = dequantize(modelManager);
        }
    }

    boolean isCached() {
        return cached != null;
    }

    /** The packed code bytes as stored by bitsandbytes ({@code ceil(n/2)} bytes). */
    byte[] packedBytes() {
        byte[] all = packed.toByteArray();
        return Arrays.copyOf(all, (int) (((long) rows * cols + 1) / 2));
    }

    @Override
    public NDArray weight(NDManager m) {
        return cached != null ? cached : dequantize(m);
    }

    @Override
    public boolean isTransient() {
        return cached == null;
    }

    @Override
    public int outFeatures() {
        return rows;
    }

    @Override
    public int inFeatures() {
        return cols;
    }

    @Override
    public void close() {
        packed.close();
        scales.close();
        if (cached != null) {
            cached.close();
        }
    }
}
