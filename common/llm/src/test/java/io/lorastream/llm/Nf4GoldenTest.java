package io.lorastream.llm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import io.lorastream.contracts.Digests;
import io.lorastream.testing.SharedAssets;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * NF4 against bitsandbytes (golden/tiny-llama3-a-golden.json {@code bnb_nf4} and the bnb checkpoint):
 * quantizing the bf16 weights reproduces the packed bytes, the 8-bit absmax and the nested offset
 * bit for bit; loading the bnb checkpoint and quantizing on load both give bitsandbytes' losses.
 */
class Nf4GoldenTest {
    private static final JsonNode GOLDEN = GoldenJson.read("tiny-llama3-a-golden.json");
    private static final JsonNode BNB = GOLDEN.get("bnb_nf4");
    private static final String Q0 = "model.layers.0.self_attn.q_proj.weight";
    /**
     * The golden bnb losses come from the dequantized model (weights as dequantize_4bit returns them,
     * bf16) that the reference built in float32, so its RoPE frequencies are float32, not bf16-rounded.
     */
    private static final LoadOptions REFERENCE =
            LoadOptions.defaults().withDevice(Device.cpu()).withRoundRopeFrequencies(false);

    @Test
    void quantizingTheBf16ModelIsBitExact() {
        Path dense = SharedAssets.golden("tiny-llama3-a");
        SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(dense);
        SafetensorsCheckpoint bnb = SafetensorsCheckpoint.open(SharedAssets.golden("tiny-llama3-a-bnb-4bit"));
        int checked = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = BNB.get("packed_sha256").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            long[] shape = ckpt.entry(name).shape();
            Nf4.Quantized q = Nf4.quantize(ckpt.readFloats(name), (int) shape[0], (int) shape[1], Nf4.JAVA_MEAN, "bfloat16");
            assertEquals(e.getValue().asText(), Digests.sha256(q.packed()), name + " packed sha256");
            // and the rest of the quantization state equals the checkpoint bitsandbytes wrote
            assertArrayEquals(bnb.readBytes(name + ".absmax"), q.absmaxCodes(), name + " absmax codes");
            assertArrayEquals(bnb.readFloats(name + ".nested_absmax"), q.nestedAbsmax(), name + " nested absmax");
            checked++;
        }
        assertEquals(14, checked);

        long[] shape = ckpt.entry(Q0).shape();
        Nf4.Quantized q = Nf4.quantize(ckpt.readFloats(Q0), (int) shape[0], (int) shape[1]);
        assertEquals(BNB.get("absmax_u8_sha256_" + Q0).asText(), Digests.sha256(q.absmaxCodes()));
        assertEquals((float) BNB.get("nested_offset_" + Q0).asDouble(), q.offset());
        // the worked example of nf4-format.md §4.3
        assertEquals((byte) 0xb5, q.packed()[0]);
        int[] qa = new int[16];
        for (int i = 0; i < 16; i++) {
            qa[i] = q.absmaxCodes()[i] & 0xFF;
        }
        assertArrayEquals(new int[] {70, 200, 106, 51, 106, 199, 59, 91, 205, 167, 55, 62, 255, 36, 47, 70}, qa);
    }

    @Test
    void dequantizedValuesMatchBitsandbytes() {
        Nf4.Quantized q = Nf4Checkpoint.read(SafetensorsCheckpoint.open(SharedAssets.golden("tiny-llama3-a-bnb-4bit")),
                "model.layers.0.self_attn.q_proj");
        float[] w = Nf4.dequantize(q);
        assertEquals(0.14721502363681793f, w[0]); // nf4-format.md §5.2, before the bf16 rounding
        assertArrayEquals(Nf4.dequantizeAsRecorded(q), roundAll(w));
        double[] expected = GoldenJson.doubles(BNB.get("dequantized_" + Q0 + "_first16"));
        double absSum = 0;
        for (int i = 0; i < w.length; i++) {
            float bf16 = HalfFloats.roundToBf16(w[i]); // bitsandbytes returns the recorded dtype, bf16
            if (i < expected.length) {
                assertEquals((float) expected[i], bf16, "dequantized[" + i + "]");
            }
            absSum += Math.abs(bf16);
        }
        assertEquals(BNB.get("dequantized_" + Q0 + "_abs_sum").asDouble(), absSum, 1e-3);
    }

    @Test
    void embeddingLookupDecodeEqualsTheJavaReference() {
        Nf4.Quantized q = Nf4Checkpoint.read(SafetensorsCheckpoint.open(SharedAssets.golden("tiny-llama3-a-bnb-4bit")),
                "model.layers.0.mlp.down_proj");
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray table = Tensors.fromFloats(m, Nf4.pairTable(), new ai.djl.ndarray.types.Shape(256, 2),
                    ai.djl.ndarray.types.DataType.FLOAT32);
            Nf4Weight w = Nf4Weight.create(m, q, table, ai.djl.ndarray.types.DataType.FLOAT32);
            assertEquals("bfloat16", q.dtype());
            assertArrayEquals(Nf4.dequantizeAsRecorded(q), w.dequantize(m).toFloatArray(), "bf16-rounded like dequantize_4bit");
            assertArrayEquals(q.packed(), w.packedBytes());
        }
    }

    @Test
    void fastCodeLookupEqualsTheThresholdCount() {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(5);
        float[] t = new float[15];
        for (int j = 0; j < 15; j++) {
            t[j] = (Nf4.NF4[j] + Nf4.NF4[j + 1]) / 2f;
        }
        for (int k = 0; k < 2_000_000; k++) {
            float s = k < 15 ? t[k] : k < 30 ? Math.nextUp(t[k - 15]) : k < 45 ? Math.nextDown(t[k - 30])
                    : (float) (rng.nextDouble() * 2 - 1);
            int expected = 0;
            for (float th : t) {
                if (th < s) {
                    expected++;
                }
            }
            assertEquals(expected, Nf4.nf4Code(s), "s = " + s);
        }
        assertEquals(0, Nf4.nf4Code(-1f));
        assertEquals(15, Nf4.nf4Code(1f));
        assertEquals(7, Nf4.nf4Code(0f));
    }

    @Test
    void oddSizesAndPartialBlocksRoundTrip() {
        float[] w = new float[7 * 13]; // 91 values: one full block, a partial block, an odd count
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) Math.sin(i * 0.37) * (i % 5 == 0 ? 3f : 0.5f);
        }
        Nf4.Quantized q = Nf4.quantize(w, 7, 13);
        assertEquals(46, q.packed().length);
        assertEquals(7, q.packed()[45] & 0x0F, "padding element of an odd count is code 7");
        float[] back = Nf4.dequantize(q);
        float[] scale = Nf4.blockScales(q);
        for (int i = 0; i < w.length; i++) {
            assertTrue(Math.abs(back[i] - w[i]) <= 0.16f * scale[i / 64], "element " + i);
        }
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray table = Tensors.fromFloats(m, Nf4.pairTable(), new ai.djl.ndarray.types.Shape(256, 2),
                    ai.djl.ndarray.types.DataType.FLOAT32);
            Nf4Weight nw = Nf4Weight.create(m, q, table, ai.djl.ndarray.types.DataType.FLOAT32);
            assertArrayEquals(back, nw.dequantize(m).toFloatArray());
        }
    }

    @Test
    void bnbCheckpointLoadsWithBitsandbytesLosses() {
        try (LlamaModel model = LlamaModel.load(SharedAssets.golden("tiny-llama3-a-bnb-4bit"), REFERENCE)) {
            assertTrue(model.config().isPrequantized());
            assertPackedShas(model);
            assertBnbLosses(model);
        }
    }

    @Test
    void quantizeOnLoadGivesBitsandbytesLosses() {
        try (LlamaModel model = LlamaModel.load(SharedAssets.golden("tiny-llama3-a"),
                REFERENCE.withCacheDequantized(false))) {
            assertFalse(model.config().isPrequantized());
            Nf4Weight w = (Nf4Weight) model.layer(0).selfAttn().qProj().base();
            assertFalse(w.isCached());
            assertPackedShas(model);
            assertBnbLosses(model);
        }
    }

    @Test
    void rejectsForeignQuantizationConfigs() {
        String base = "{\"hidden_size\":32,\"intermediate_size\":64,\"num_hidden_layers\":1,\"num_attention_heads\":4,"
                + "\"vocab_size\":10,\"quantization_config\":{\"quant_method\":\"bitsandbytes\",";
        assertThrows(IllegalArgumentException.class, () -> LlamaConfig.parse(base
                + "\"load_in_4bit\":false,\"load_in_8bit\":true}}"));
        assertThrows(IllegalArgumentException.class, () -> LlamaConfig.parse(base
                + "\"load_in_4bit\":true,\"bnb_4bit_quant_type\":\"fp4\"}}"));
        assertEquals("nf4", LlamaConfig.parse(base + "\"load_in_4bit\":true,\"bnb_4bit_quant_type\":\"nf4\"}}")
                .quantization().quantType());
    }

    @Test
    void llama31_8bQuantizedWeightMemoryFromItsConfig() {
        LlamaConfig cfg = LlamaConfig.load(SharedAssets.resolve("models/llama-3.1-8b-instruct-config/config.json"));
        assertEquals(6_979_321_856L, cfg.linearParametersPerLayer() * cfg.numHiddenLayers());
        assertEquals(3_600_660_480L, Nf4.quantizedWeightBytes(cfg));
    }

    private static float[] roundAll(float[] w) {
        float[] out = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            out[i] = HalfFloats.roundToBf16(w[i]);
        }
        return out;
    }

    private static void assertPackedShas(LlamaModel model) {
        for (Iterator<Map.Entry<String, JsonNode>> it = BNB.get("packed_sha256").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String module = e.getKey().substring(0, e.getKey().length() - ".weight".length());
            Projection p = model.layers().stream().flatMap(l -> l.projections().stream())
                    .filter(x -> x.name().equals(module)).findFirst().orElseThrow();
            assertEquals(e.getValue().asText(), Digests.sha256(((Nf4Weight) p.base()).packedBytes()), module);
        }
    }

    private static void assertBnbLosses(LlamaModel model) {
        JsonNode examples = GOLDEN.get("examples");
        JsonNode expected = BNB.get("examples");
        for (int i = 0; i < examples.size(); i++) {
            TinyLlama3GoldenTest.ExampleScores s = TinyLlama3GoldenTest.ExampleScores.of(model, examples.get(i));
            JsonNode e = expected.get(i);
            String tweet = e.get("tweet").asText();
            assertEquals(e.get("mean_ce_all").asDouble(), s.meanCeAll, 1e-4, tweet + " mean_ce_all");
            assertEquals(e.get("mean_ce_completion").asDouble(), s.meanCeCompletion, 1e-4, tweet + " mean_ce_completion");
            s.assertLabelLogProbs(GOLDEN, e.get("label_logprobs_after_prompt"), tweet);
        }
    }
}
