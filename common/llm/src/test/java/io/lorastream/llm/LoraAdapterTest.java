package io.lorastream.llm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lorastream.contracts.HyperParameters;
import io.lorastream.testing.SharedAssets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LoRA in the forward pass and PEFT's file format: the golden PEFT adapter gives PEFT's loss on the
 * golden batch, PEFT initialisation leaves the model unchanged, adapters round-trip through
 * adapter_config.json + adapter_model.safetensors, and gradients reach A and B.
 */
class LoraAdapterTest {
    private static LlamaModel model;
    private static JsonNode lora;

    @BeforeAll
    static void load() {
        DjlFlags.apply();
        lora = GoldenJson.read("tiny-llama3-a-golden.json").get("lora");
        model = LlamaModel.load(SharedAssets.golden("tiny-llama3-a"),
                LoadOptions.defaults().withDevice(Device.cpu()).withQuantize(false));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void peftAdapterGivesPeftLossOnTheGoldenBatch() {
        try (LoraAdapter adapter = LoraAdapter.loadPeft(SharedAssets.golden("tiny-llama3-a-lora"), model)) {
            assertEquals(new LoraConfig(8, 16, 0, HyperParameters.ALL_TARGETS), adapter.config());
            assertEquals(2.0f, adapter.scaling());
            assertEquals(lora.get("trainable_params").asLong(), adapter.trainableParameters());
            assertEquals(lora.get("loss").asDouble(), batchLoss(adapter), 1e-4);
            assertNotEquals(lora.get("loss").asDouble(), batchLoss(null), 1e-2, "the adapter changes the loss");
        }
    }

    @Test
    void trainableParameterCountsFromTheConfigAlone() {
        LlamaConfig cfg8b = LlamaConfig.load(SharedAssets.resolve("models/llama-3.1-8b-instruct-config"));
        LoraConfig r16 = LoraConfig.from(HyperParameters.defaults());
        assertEquals(41_943_040L, LoraAdapter.trainableParameters(cfg8b, r16));
        assertEquals(lora.get("trainable_params").asLong(),
                LoraAdapter.trainableParameters(model.config(), new LoraConfig(8, 16, 0, HyperParameters.ALL_TARGETS)));
    }

    @Test
    void peftInitialisationLeavesTheModelUnchanged() {
        LoraConfig lc = new LoraConfig(4, 8, 0, List.of("q_proj", "v_proj", "down_proj"));
        try (LoraAdapter a = LoraAdapter.init(model, lc, 3407);
                LoraAdapter same = LoraAdapter.init(model, lc, 3407);
                LoraAdapter other = LoraAdapter.init(model, lc, 1);
                NDManager m = NDManager.newBaseManager(Device.cpu())) {
            assertEquals(2 * 3, a.modules().size());
            LoraWeights q0 = a.weights("model.layers.0.self_attn.q_proj");
            float bound = (float) (1 / Math.sqrt(32));
            for (float v : q0.loraA().toFloatArray()) {
                assertTrue(Math.abs(v) <= bound, "kaiming-uniform bound 1/sqrt(in)");
            }
            assertTrue(q0.loraB().eq(0).all().getBoolean(), "B starts at zero");
            assertArrayEquals(q0.loraA().toFloatArray(), same.weights("model.layers.0.self_attn.q_proj").loraA().toFloatArray());
            assertFalse(q0.loraA().contentEquals(other.weights("model.layers.0.self_attn.q_proj").loraA()));
            int[][] ids = {GoldenJson.ints(lora.get("batch").get("input_ids").get(1))};
            assertArrayEquals(model.forward(m, ids, null, null).toFloatArray(), model.forward(m, ids, null, a).toFloatArray());
        }
    }

    @Test
    void savePeftAndLoadPeftRoundTrip(@TempDir Path dir) throws IOException {
        try (LoraAdapter golden = LoraAdapter.loadPeft(SharedAssets.golden("tiny-llama3-a-lora"), model)) {
            golden.savePeft(dir, "tiny-llama3-a");
            JsonNode cfg = new ObjectMapper().readTree(dir.resolve(LoraAdapter.CONFIG_FILE).toFile());
            assertEquals("LORA", cfg.get("peft_type").asText());
            assertEquals("CAUSAL_LM", cfg.get("task_type").asText());
            assertEquals(8, cfg.get("r").asInt());
            assertEquals(16, cfg.get("lora_alpha").asInt());
            assertEquals("tiny-llama3-a", cfg.get("base_model_name_or_path").asText());
            assertEquals(7, cfg.get("target_modules").size());
            SafetensorsFile st = SafetensorsFile.open(dir.resolve(LoraAdapter.WEIGHTS_FILE));
            assertEquals("pt", st.metadata().get("format"));
            assertEquals(SafetensorsFile.open(SharedAssets.golden("tiny-llama3-a-lora").resolve(LoraAdapter.WEIGHTS_FILE))
                    .entries().keySet(), st.entries().keySet(), "PEFT key names");
            try (LoraAdapter back = LoraAdapter.loadPeft(dir, model)) {
                for (Map.Entry<String, NDArray> e : golden.peftTensors().entrySet()) {
                    assertEquals("F32", st.entry(e.getKey()).dtype());
                    assertArrayEquals(e.getValue().toFloatArray(), back.peftTensors().get(e.getKey()).toFloatArray(), e.getKey());
                }
                assertEquals(batchLoss(golden), batchLoss(back));
            }
        }
    }

    @Test
    void rejectsAdaptersThatDoNotFit(@TempDir Path dir) throws IOException {
        Path src = SharedAssets.golden("tiny-llama3-a-lora");
        Files.copy(src.resolve(LoraAdapter.WEIGHTS_FILE), dir.resolve(LoraAdapter.WEIGHTS_FILE));
        String config = Files.readString(src.resolve(LoraAdapter.CONFIG_FILE));
        Files.writeString(dir.resolve(LoraAdapter.CONFIG_FILE), config.replace("\"r\": 8", "\"r\": 4"));
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> LoraAdapter.loadPeft(dir, model));
        assertTrue(shape.getMessage().contains("shape"), shape.getMessage());
        Files.writeString(dir.resolve(LoraAdapter.CONFIG_FILE), config.replace("\"use_dora\": false", "\"use_dora\": true"));
        assertThrows(IllegalArgumentException.class, () -> LoraAdapter.loadPeft(dir, model));
        Files.writeString(dir.resolve(LoraAdapter.CONFIG_FILE), config.replace("\"gate_proj\"", "\"lm_head\""));
        assertThrows(IllegalArgumentException.class, () -> LoraAdapter.loadPeft(dir, model));
    }

    @Test
    void gradientsReachLoraWeightsThroughTheForward() {
        LoraConfig lc = new LoraConfig(4, 8, 0, HyperParameters.ALL_TARGETS);
        try (LoraAdapter a = LoraAdapter.init(model, lc, 7); NDManager m = NDManager.newBaseManager(Device.cpu())) {
            a.parameters().forEach(p -> p.setRequiresGradient(true));
            int[][] ids = {GoldenJson.ints(lora.get("batch").get("input_ids").get(1))};
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray logits = model.forward(m.create(ids), null, a, true);
                gc.backward(LogProbs.nextToken(logits, m.create(ids)).mean().neg());
            }
            LoraWeights down = a.weights("model.layers.1.mlp.down_proj");
            try (NDArray gradA = down.loraA().getGradient(); NDArray gradB = down.loraB().getGradient()) {
                // PEFT's start: B = 0, so only B receives a gradient
                assertTrue(gradA.eq(0).all().getBoolean());
                assertTrue(gradB.abs().sum().getFloat() > 0);
            }
        }
    }

    /** Mean CE over the golden batch's label tokens (right padded, attention mask, -100 labels). */
    static double batchLoss(LoraAdapter adapter) {
        JsonNode batch = lora.get("batch");
        int rows = batch.get("input_ids").size();
        int[][] ids = new int[rows][];
        int[][] mask = new int[rows][];
        for (int b = 0; b < rows; b++) {
            ids[b] = GoldenJson.ints(batch.get("input_ids").get(b));
            mask[b] = GoldenJson.ints(batch.get("attention_mask").get(b));
        }
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray logits = model.forward(m, ids, mask, adapter);
            float[] lp = LogProbs.nextToken(logits, m.create(ids)).toFloatArray();
            int t = ids[0].length;
            double sum = 0;
            int count = 0;
            for (int b = 0; b < rows; b++) {
                int[] labels = GoldenJson.ints(batch.get("labels").get(b));
                for (int i = 1; i < t; i++) {
                    if (labels[i] != -100) {
                        sum -= lp[b * (t - 1) + i - 1];
                        count++;
                    }
                }
            }
            return sum / count;
        }
    }
}
