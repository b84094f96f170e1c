package io.lorastream.llm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.lorastream.testing.SharedAssets;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The memory-mapped safetensors reader and the writer: dtypes, windows, shards, HF header layout. */
class SafetensorsTest {

    @Test
    void writerOutputReadsBackInEveryDtype(@TempDir Path dir) throws IOException {
        float[] values = {0f, -1.5f, 3.14159265f, 1e-3f, -65504f, 0.1f};
        Path file = dir.resolve("t.safetensors");
        new SafetensorsWriter()
                .putF32("f32", new long[] {2, 3}, values)
                .putF16("f16", new long[] {6}, values)
                .putBf16("bf16", new long[] {3, 2}, values)
                .putU8("u8", new long[] {4}, new byte[] {0, 1, (byte) 0xb5, (byte) 0xff})
                .write(file);
        byte[] raw = Files.readAllBytes(file);
        long headerLength = ByteBuffer.wrap(raw, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLength % 8, "header padded to 8 bytes as HF writes it");
        String header = new String(raw, 8, (int) headerLength, StandardCharsets.UTF_8);
        assertEquals(true, header.startsWith("{\"__metadata__\":{\"format\":\"pt\"}"), header);

        SafetensorsFile st = SafetensorsFile.open(file);
        assertArrayEquals(values, st.readFloats("f32"));
        assertArrayEquals(new long[] {2, 3}, st.entry("f32").shape());
        float[] bf16 = st.readFloats("bf16");
        float[] f16 = st.readFloats("f16");
        for (int i = 0; i < values.length; i++) {
            assertEquals(HalfFloats.roundToBf16(values[i]), bf16[i]);
            assertEquals(values[i], f16[i], Math.abs(values[i]) * 1e-3 + 1e-7);
        }
        assertEquals(-65504f, f16[4], "largest half");
        assertArrayEquals(new byte[] {0, 1, (byte) 0xb5, (byte) 0xff}, st.readBytes("u8"));

        float[] windowed = new float[6];
        st.readFloats(st.entry("bf16"), 0, windowed, 0, 6, 4); // 2 elements per mapping
        assertArrayEquals(bf16, windowed);
        float[] part = new float[3];
        st.readFloats(st.entry("f32"), 2, part, 0, 3, 8);
        assertArrayEquals(Arrays.copyOfRange(values, 2, 5), part);
    }

    @Test
    void halfFloatConversionsAreExact() {
        for (int bits = 0; bits < 0x10000; bits++) {
            float f = HalfFloats.f16ToFloat((short) bits);
            if (!Float.isNaN(f)) {
                assertEquals((short) bits, HalfFloats.floatToF16(f), "f16 0x" + Integer.toHexString(bits));
            }
            float b = HalfFloats.bf16ToFloat((short) bits);
            if (!Float.isNaN(b)) {
                assertEquals((short) bits, HalfFloats.floatToBf16(b), "bf16 0x" + Integer.toHexString(bits));
            }
        }
        // ties to even: 1 + 2^-8 lies halfway between bf16 neighbours 1 and 1 + 2^-7
        assertEquals(1f, HalfFloats.roundToBf16(1f + 0x1p-8f));
        assertEquals(1f + 0x1p-6f, HalfFloats.roundToBf16(1f + 0x1p-7f + 0x1p-8f));
    }

    @Test
    void shardedCheckpointLoadsLikeTheSingleFile(@TempDir Path dir) throws IOException {
        Path single = SharedAssets.stories260K();
        SafetensorsFile src = SafetensorsFile.open(single.resolve("model.safetensors"));
        // split the tensors over two shards, with a weight map as transformers writes it
        SafetensorsWriter a = new SafetensorsWriter();
        SafetensorsWriter b = new SafetensorsWriter();
        Map<String, String> weightMap = new LinkedHashMap<>();
        int i = 0;
        for (SafetensorsFile.Entry e : src.entries().values()) {
            boolean first = i++ % 2 == 0;
            (first ? a : b).putF32(e.name(), e.shape(), src.readFloats(e.name()));
            weightMap.put(e.name(), first ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors");
        }
        a.write(dir.resolve("model-00001-of-00002.safetensors"));
        b.write(dir.resolve("model-00002-of-00002.safetensors"));
        StringBuilder index = new StringBuilder("{\"metadata\": {\"total_size\": 0}, \"weight_map\": {");
        weightMap.forEach((k, v) -> index.append('"').append(k).append("\": \"").append(v).append("\","));
        index.setLength(index.length() - 1);
        index.append("}}");
        Files.writeString(dir.resolve("model.safetensors.index.json"), index);
        for (String f : new String[] {"config.json", "tokenizer.json", "tokenizer_config.json"}) {
            Files.copy(single.resolve(f), dir.resolve(f));
        }
        LoadOptions opts = LoadOptions.defaults().withDevice(Device.cpu()).withQuantize(false);
        int[][] ids = {{1, 403, 407, 261, 378, 432}};
        try (LlamaModel sharded = LlamaModel.load(dir, opts); LlamaModel whole = LlamaModel.load(single, opts);
                NDManager m = NDManager.newBaseManager(Device.cpu())) {
            assertArrayEquals(whole.forward(m, ids, null, null).toFloatArray(), sharded.forward(m, ids, null, null).toFloatArray());
            assertEquals(64, sharded.baseModelSha256().length());
        }
    }

    @Test
    void rejectsFilesThatAreNotSafetensors(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.safetensors");
        Files.write(bad, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f, 0, 0, 0, 0, '{', '}'});
        assertThrows(IllegalArgumentException.class, () -> SafetensorsFile.open(bad));
        assertThrows(IllegalArgumentException.class, () -> SafetensorsCheckpoint.open(dir));
    }
}
