package io.lorastream.llm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.lorastream.testing.SharedAssets;
import org.junit.jupiter.api.Test;

/** Generated-weight models (8B-shaped benchmarks use them): deterministic, NF4, and runnable layer by layer. */
class RandomModelTest {

    @Test
    void generatedModelIsDeterministicQuantizedAndRuns() {
        LlamaConfig cfg = LlamaConfig.load(SharedAssets.golden("tiny-llama3-a").resolve("config.json"));
        LoadOptions opts = LoadOptions.defaults().withDevice(Device.cpu()).withCacheDequantized(false);
        int[][] ids = {{128000, 2028, 374, 264, 1296}};
        try (LlamaModel a = LlamaModel.random(cfg, opts, 42); LlamaModel b = LlamaModel.random(cfg, opts, 42);
                NDManager m = NDManager.newBaseManager(Device.cpu())) {
            assertTrue(a.layer(1).mlp().downProj().base() instanceof Nf4Weight);
            float[] logits = a.forward(m, ids, null, null).toFloatArray();
            assertArrayEquals(logits, b.forward(m, ids, null, null).toFloatArray());
            assertEquals(5 * 128256, logits.length);
            // the same numbers through the per-layer API
            var ids2 = m.create(ids);
            ForwardPass pass = a.newPass(ids2, null, false);
            var h = a.embed(ids2);
            for (int i = 0; i < a.numLayers(); i++) {
                h = a.layer(i).forward(h, pass, null);
            }
            assertArrayEquals(logits, a.head(h).toFloatArray());
        }
    }

    @Test
    void generatedValuesDoNotDependOnHowTheyAreRead() {
        LlamaConfig cfg = LlamaConfig.load(SharedAssets.golden("tiny-llama3-a").resolve("config.json"));
        RandomWeights w = new RandomWeights(cfg, 7);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            float[] whole = w.readFloats("model.embed_tokens.weight");
            float[] chunked = w.load("model.embed_tokens.weight", m, ai.djl.ndarray.types.DataType.FLOAT32).toFloatArray();
            assertArrayEquals(whole, chunked);
            double sq = 0;
            for (float v : whole) {
                sq += v * v;
            }
            assertEquals(0.02, Math.sqrt(sq / whole.length), 1e-3);
        }
    }
}
