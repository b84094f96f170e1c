package io.lorastream.llm;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a {@code .safetensors} file as Hugging Face tools do: {@code __metadata__ {"format": "pt"}},
 * the header padded with spaces to a multiple of 8, tensors in name order, little-endian data. F32,
 * F16, BF16 (rounded to nearest even in Java) and U8; PEFT adapters are written F32. The file appears
 * atomically (written beside, then moved).
 */
public final class SafetensorsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Tensor(String dtype, long[] shape, byte[] data) {}

    private final Map<String, Tensor> tensors = new TreeMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>(Map.of("format", "pt"));

    public SafetensorsWriter putF32(String name, long[] shape, float[] data) {
        ByteBuffer b = buffer(data.length, 4, shape);
        b.asFloatBuffer().put(data);
        return put(name, "F32", shape, b.array());
    }

    public SafetensorsWriter putF16(String name, long[] shape, float[] data) {
        ByteBuffer b = buffer(data.length, 2, shape);
        for (float f : data) {
            b.putShort(HalfFloats.floatToF16(f));
        }
        return put(name, "F16", shape, b.array());
    }

    public SafetensorsWriter putBf16(String name, long[] shape, float[] data) {
        ByteBuffer b = buffer(data.length, 2, shape);
        for (float f : data) {
            b.putShort(HalfFloats.floatToBf16(f));
        }
        return put(name, "BF16", shape, b.array());
    }

    public SafetensorsWriter putU8(String name, long[] shape, byte[] data) {
        buffer(data.length, 1, shape);
        return put(name, "U8", shape, data.clone());
    }

    /** A float array as F32 (FLOAT16 arrays are widened; the values are copied now). */
    public SafetensorsWriter putF32(String name, NDArray a) {
        float[] data = a.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        return putF32(name, a.getShape().getShape(), data);
    }

    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    public void write(Path file) {
        ObjectNode header = JSON.createObjectNode();
        ObjectNode meta = header.putObject("__metadata__");
        metadata.forEach(meta::put);
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", e.getValue().dtype());
            var shape = t.putArray("shape");
            Arrays.stream(e.getValue().shape()).forEach(shape::add);
            var offsets = t.putArray("data_offsets");
            offsets.add(offset);
            offset += e.getValue().data().length;
            offsets.add(offset);
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(header);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int padded = (json.length + 7) / 8 * 8;
        byte[] head = Arrays.copyOf(json, padded);
        Arrays.fill(head, json.length, padded, (byte) ' ');
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".part");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
                out.write(head);
                for (Tensor t : tensors.values()) {
                    out.write(t.data());
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private SafetensorsWriter put(String name, String dtype, long[] shape, byte[] data) {
        if (name.equals("__metadata__") || tensors.containsKey(name)) {
            throw new IllegalArgumentException("duplicate or reserved tensor name " + name);
        }
        tensors.put(name, new Tensor(dtype, shape.clone(), data));
        return this;
    }

    private static ByteBuffer buffer(int count, int size, long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n != count) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n + " values, got " + count);
        }
        return ByteBuffer.allocate(Math.multiplyExact(count, size)).order(ByteOrder.LITTLE_ENDIAN);
    }
}
