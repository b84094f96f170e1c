package io.lorastream.llm;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Creating arrays from Java data without DJL's traps: the result is owned by torch (DJL's
 * {@code create} aliases a direct buffer that would count against the JVM's direct-memory limit),
 * lives on the manager's device, and is never BF16 (which aborts the JVM).
 */
final class Tensors {
    private Tensors() {}

    /** Elements converted per chunk when a large checkpoint tensor is loaded (64 MB of float32). */
    private static final int CHUNK = 1 << 24;

    static NDArray fromFloats(NDManager m, float[] data, Shape shape, DataType type) {
        return fromFloats(m, data, shape, type, m.getDevice());
    }

    /** As above on {@code device}, which may differ from the manager's (ids made on the CPU for a GPU model). */
    static NDArray fromFloats(NDManager m, float[] data, Shape shape, DataType type, Device device) {
        checkType(type);
        try (NDManager tmp = m.newSubManager(Device.cpu())) {
            NDArray a = tmp.create(data, shape);
            return moveTo(a, m, type, device);
        }
    }

    static NDArray fromBytes(NDManager m, byte[] data, Shape shape) {
        try (NDManager tmp = m.newSubManager(Device.cpu())) {
            NDArray a = tmp.create(java.nio.ByteBuffer.wrap(data), shape, DataType.UINT8);
            return moveTo(a, m, DataType.UINT8, m.getDevice());
        }
    }

    /** Fills {@code dst} with the float32 elements that start at flat index {@code from}. */
    interface ChunkReader {
        void read(long from, float[] dst);
    }

    /**
     * A float tensor in {@code type} on the manager's device, built from chunks of whole rows so a
     * large embedding never needs a full float32 copy in the Java heap.
     */
    static NDArray chunked(long[] shape, NDManager m, DataType type, ChunkReader reader) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n <= CHUNK) {
            float[] data = new float[(int) n];
            reader.read(0, data);
            return fromFloats(m, data, new Shape(shape), type);
        }
        long rows = shape[0];
        long rowSize = n / rows;
        long rowsPerChunk = Math.max(1, CHUNK / rowSize);
        NDArray out = m.zeros(new Shape(shape), type);
        for (long r0 = 0; r0 < rows; r0 += rowsPerChunk) {
            long r1 = Math.min(rows, r0 + rowsPerChunk);
            float[] data = new float[(int) ((r1 - r0) * rowSize)];
            reader.read(r0 * rowSize, data);
            long[] chunkShape = shape.clone();
            chunkShape[0] = r1 - r0;
            try (NDArray chunk = fromFloats(m, data, new Shape(chunkShape), type)) {
                out.set(new NDIndex("{}:{}", r0, r1), chunk);
            }
        }
        return out;
    }

    /** A 0-d constant: DJL frees Number operands right after an op, which corrupts autograd (djl-pitfalls §3.2). */
    static NDArray scalar(NDManager m, float value, DataType type) {
        return m.full(new Shape(), value, type);
    }

    static NDArray scalar(NDManager m, float value, DataType type, Device device) {
        return m.full(new Shape(), value, type, device);
    }

    /**
     * Moves an op result into {@code m}: DJL gives results to the first operand's manager, which is
     * the model's for ops that start from a weight; without this they would pile up there.
     */
    static NDArray own(NDArray a, NDManager m) {
        if (a.getManager() != m) {
            a.attach(m);
        }
        return a;
    }

    private static NDArray moveTo(NDArray cpu, NDManager m, DataType type, Device device) {
        NDArray typed = cpu.getDataType() == type ? cpu : cpu.toType(type, false);
        // a copy that torch owns; the temporary (and its direct buffer) closes with tmp
        NDArray out = device.equals(typed.getDevice()) ? typed.duplicate() : typed.toDevice(device, true);
        out.attach(m);
        return out;
    }

    private static void checkType(DataType type) {
        if (type != DataType.FLOAT32 && type != DataType.FLOAT16 && type != DataType.FLOAT64) {
            throw new IllegalArgumentException("compute type must be FLOAT32 or FLOAT16, was " + type);
        }
    }
}
