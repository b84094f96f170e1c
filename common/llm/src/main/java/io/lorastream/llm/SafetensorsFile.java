package io.lorastream.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One {@code .safetensors} file, read through memory mappings: the 8-byte little-endian header
 * length, the JSON header, then the data section. Each read maps only the bytes it needs (a window of
 * at most 1 GiB), so files and tensors of any size work and nothing is read twice into the heap.
 * DJL's own decoder is not used: it aborts the JVM on BF16 and reads whole files into one array.
 */
public final class SafetensorsFile {
    /** Largest window mapped at once; a tensor larger than that is read in several windows. */
    static final long WINDOW = 1L << 30;

    /** One tensor: dtype name as in the file (F32, F16, BF16, U8, ...), shape, byte range in the data section. */
    public record Entry(String name, String dtype, long[] shape, long begin, long end) {
        public long numel() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        public long byteSize() {
            return end - begin;
        }

        public int elementSize() {
            return elementSize(dtype);
        }

        static int elementSize(String dtype) {
            return switch (dtype) {
                case "F64", "I64", "U64" -> 8;
                case "F32", "I32", "U32" -> 4;
                case "F16", "BF16", "I16", "U16" -> 2;
                case "U8", "I8", "BOOL" -> 1;
                default -> throw new IllegalArgumentException("unknown safetensors dtype " + dtype);
            };
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final long dataStart;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path path, long dataStart, Map<String, Entry> entries, Map<String, String> metadata) {
        this.path = path;
        this.dataStart = dataStart;
        this.entries = entries;
        this.metadata = metadata;
    }

    public static SafetensorsFile open(Path path) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long fileSize = ch.size();
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, len, 0);
            long headerLength = len.getLong(0);
            if (headerLength <= 0 || headerLength > Math.min(100_000_000L, fileSize - 8)) {
                throw new IllegalArgumentException(path + " is not a safetensors file (header length " + headerLength + ")");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLength);
            readFully(ch, header, 8);
            JsonNode root = JSON.readTree(new String(header.array(), StandardCharsets.UTF_8));
            long dataStart = 8 + headerLength;
            Map<String, Entry> entries = new LinkedHashMap<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> f : root.properties()) {
                if (f.getKey().equals("__metadata__")) {
                    f.getValue().properties().forEach(m -> metadata.put(m.getKey(), m.getValue().asText()));
                    continue;
                }
                JsonNode t = f.getValue();
                JsonNode shapeNode = t.get("shape");
                long[] shape = new long[shapeNode.size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = shapeNode.get(i).asLong();
                }
                Entry e = new Entry(f.getKey(), t.get("dtype").asText(), shape,
                        t.get("data_offsets").get(0).asLong(), t.get("data_offsets").get(1).asLong());
                if (e.byteSize() != e.numel() * e.elementSize() || dataStart + e.end() > fileSize) {
                    throw new IllegalArgumentException(path + ": tensor " + e.name() + " has inconsistent offsets");
                }
                entries.put(e.name(), e);
            }
            return new SafetensorsFile(path, dataStart, Collections.unmodifiableMap(entries),
                    Collections.unmodifiableMap(metadata));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read safetensors header of " + path, e);
        }
    }

    public Path path() {
        return path;
    }

    public Map<String, Entry> entries() {
        return entries;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    public Entry entry(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new IllegalArgumentException(path + " has no tensor " + name);
        }
        return e;
    }

    /**
     * Maps {@code length} bytes starting {@code offset} bytes into the tensor's data (little-endian
     * view). The mapping is released by the GC once the buffer is unreachable.
     */
    public ByteBuffer map(Entry e, long offset, long length) {
        if (offset < 0 || length < 0 || offset + length > e.byteSize() || length > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("bad window " + offset + "+" + length + " of " + e.name());
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return ch.map(FileChannel.MapMode.READ_ONLY, dataStart + e.begin() + offset, length)
                    .order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot map " + e.name() + " in " + path, ex);
        }
    }

    /**
     * Widens elements {@code [from, from + count)} of a float tensor (F32, F16, BF16, F64) to float32
     * into {@code dst} starting at {@code dstOffset}. BF16 is converted bit-exactly in Java.
     */
    public void readFloats(Entry e, long from, float[] dst, int dstOffset, int count) {
        readFloats(e, from, dst, dstOffset, count, WINDOW);
    }

    /** As above with a given window size (tests use small windows to cover the multi-window path). */
    void readFloats(Entry e, long from, float[] dst, int dstOffset, int count, long window) {
        int size = e.elementSize();
        long done = 0;
        long perWindow = Math.max(1, window / size);
        while (done < count) {
            int n = (int) Math.min(perWindow, count - done);
            ByteBuffer b = map(e, (from + done) * size, (long) n * size);
            int o = dstOffset + (int) done;
            switch (e.dtype()) {
                case "F32" -> b.asFloatBuffer().get(dst, o, n);
                case "BF16" -> {
                    for (int i = 0; i < n; i++) {
                        dst[o + i] = HalfFloats.bf16ToFloat(b.getShort(2 * i));
                    }
                }
                case "F16" -> {
                    for (int i = 0; i < n; i++) {
                        dst[o + i] = HalfFloats.f16ToFloat(b.getShort(2 * i));
                    }
                }
                case "F64" -> {
                    for (int i = 0; i < n; i++) {
                        dst[o + i] = (float) b.getDouble(8 * i);
                    }
                }
                default -> throw new IllegalArgumentException(e.name() + " is " + e.dtype() + ", not a float tensor");
            }
            done += n;
        }
    }

    /** A whole float tensor widened to float32 (at most 2^31-1 elements). */
    public float[] readFloats(String name) {
        Entry e = entry(name);
        if (e.numel() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(name + " has " + e.numel() + " elements: read it in parts");
        }
        float[] out = new float[(int) e.numel()];
        readFloats(e, 0, out, 0, out.length);
        return out;
    }

    /** The raw bytes of a tensor (U8 tensors, quant-state JSON). */
    public byte[] readBytes(String name) {
        Entry e = entry(name);
        if (e.byteSize() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(name + " has " + e.byteSize() + " bytes: read it in parts");
        }
        byte[] out = new byte[(int) e.byteSize()];
        long done = 0;
        while (done < out.length) {
            int n = (int) Math.min(WINDOW, out.length - done);
            map(e, done, n).get(out, (int) done, n);
            done += n;
        }
        return out;
    }

    private static void readFully(FileChannel ch, ByteBuffer dst, long position) throws IOException {
        while (dst.hasRemaining()) {
            int n = ch.read(dst, position + dst.position());
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }
}
