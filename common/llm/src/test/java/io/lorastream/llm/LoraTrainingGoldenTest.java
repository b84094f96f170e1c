package io.lorastream.llm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.JsonNode;
import io.lorastream.contracts.HyperParameters;
import io.lorastream.contracts.HyperParameters.LossOn;
import io.lorastream.contracts.HyperParameters.Schedule;
import io.lorastream.testing.SharedAssets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The PEFT adapter golden (tiny-llama3-a-lora, r 8, alpha 16): one training step through
 * {@link LoraTrainer} on golden "lora.batch" reproduces PEFT's loss, total gradient norm, per-parameter
 * gradients, torch AdamW's update, and the loss of example 2 after it. Tolerances from the golden
 * README: losses 1e-4 absolute, gradients 1e-3 relative, parameters 1e-6.
 */
class LoraTrainingGoldenTest {
    static LlamaModel model;
    static JsonNode lora;

    @BeforeAll
    static void load() {
        DjlFlags.apply();
        lora = LoraGolden.lora();
        model = LlamaModel.load(SharedAssets.golden("tiny-llama3-a"), LoadOptions.defaults()
                .withDevice(Device.cpu()).withQuantize(false).withTokenizerDir(SharedAssets.llama3Tokenizer()));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** The golden batch rows, unpadded, as examples (prompt = the -100 part of the labels). */
    static List<Example> goldenExamples() {
        JsonNode batch = lora.get("batch");
        List<Example> out = new ArrayList<>();
        for (int b = 0; b < batch.get("input_ids").size(); b++) {
            int[] ids = LoraGolden.ints(batch.get("input_ids").get(b));
            int[] mask = LoraGolden.ints(batch.get("attention_mask").get(b));
            int[] labels = LoraGolden.ints(batch.get("labels").get(b));
            int length = Arrays.stream(mask).sum();
            int prompt = 0;
            while (labels[prompt] == TrainBatch.IGNORE) {
                prompt++;
            }
            out.add(new Example(Arrays.copyOf(ids, length), prompt));
        }
        return out;
    }

    /** torch.optim.AdamW as in the golden: constant lr 2e-4, no warmup, no clipping, one step over the batch of 2. */
    static HyperParameters goldenHyperParameters() {
        JsonNode adamw = lora.get("adamw");
        return HyperParameters.of(lora.get("r").asInt(), lora.get("alpha").asDouble(), 0.0, null, 2, 1, 1,
                adamw.get("lr").asDouble(), null, adamw.get("weight_decay").asDouble(), Schedule.CONSTANT, 0,
                adamw.get("betas").get(0).asDouble(), adamw.get("betas").get(1).asDouble(), adamw.get("eps").asDouble(),
                0.0, 1L, LossOn.COMPLETION, null);
    }

    @Test
    void batchPaddingMatchesTheGoldenBatch() {
        JsonNode batch = lora.get("batch");
        TrainBatch padded = Batching.pad(goldenExamples(), model.tokenizer().padId(), LossOn.COMPLETION);
        int[] ids = new int[0];
        int[] labels = new int[0];
        int[] mask = new int[0];
        for (int b = 0; b < 2; b++) {
            ids = concat(ids, LoraGolden.ints(batch.get("input_ids").get(b)));
            labels = concat(labels, LoraGolden.ints(batch.get("labels").get(b)));
            mask = concat(mask, LoraGolden.ints(batch.get("attention_mask").get(b)));
        }
        assertArrayEquals(ids, padded.inputIds());
        assertArrayEquals(labels, padded.labels());
        assertArrayEquals(mask, padded.attentionMask());
    }

    @Test
    void oneTrainingStepMatchesPeftAndTorchAdamW() {
        Map<String, float[]> gradFirst8 = new HashMap<>();
        Map<String, Double> gradNorms = new HashMap<>();
        JsonNode adamw = lora.get("adamw");
        try (LoraAdapter adapter = LoraAdapter.loadPeft(SharedAssets.golden("tiny-llama3-a-lora"), model);
                LoraTrainer trainer = new LoraTrainer(model, adapter, goldenHyperParameters(), goldenExamples())) {
            assertEquals(lora.get("trainable_params").asLong(), adapter.trainableParameters());
            trainer.inspectGradients(grads -> grads.forEach((name, g) -> {
                gradFirst8.put(name, Arrays.copyOf(g.toFloatArray(), 8));
                gradNorms.put(name, (double) g.norm().getFloat());
            }));
            TrainStepResult r = trainer.step();

            assertFalse(r.skipped());
            assertEquals(lora.get("loss").asDouble(), r.loss(), 1e-4, "loss with the adapter");
            assertEquals(lora.get("total_grad_norm").asDouble(), r.gradNorm(), 1e-3 * lora.get("total_grad_norm").asDouble());
            assertEquals(4, r.labelTokens());
            for (Iterator<String> it = lora.get("grads").fieldNames(); it.hasNext(); ) {
                String name = it.next();
                JsonNode g = lora.get("grads").get(name);
                String saved = LoraGolden.savedName(name);
                assertEquals(g.get("norm").asDouble(), gradNorms.get(saved), 1e-3 * g.get("norm").asDouble(), name);
                float[] expected = LoraGolden.floats(g.get("first8"));
                // 1e-3 relative to the element or, for elements near 0, to the tensor's RMS element
                int numel = g.get("shape").get(0).asInt() * g.get("shape").get(1).asInt();
                double rms = g.get("norm").asDouble() / Math.sqrt(numel);
                for (int i = 0; i < 8; i++) {
                    assertEquals(expected[i], gradFirst8.get(saved)[i], 1e-3 * Math.max(Math.abs(expected[i]), rms),
                            name + "[" + i + "]");
                }
            }
            Map<String, NDArray> tensors = adapter.peftTensors();
            for (Iterator<String> it = adamw.get("after_first8").fieldNames(); it.hasNext(); ) {
                String name = it.next();
                float[] after = Arrays.copyOf(tensors.get(LoraGolden.savedName(name)).toFloatArray(), 8);
                assertArrayEquals(LoraGolden.floats(adamw.get("after_first8").get(name)), after, 1e-6f, name);
            }

            // "example 2" is examples[2] of the golden file (not a row of the training batch)
            JsonNode golden2 = LoraGolden.all().get("examples").get(2);
            int[] prompt = LoraGolden.ints(golden2.get("prompt_ids"));
            int[] completion = LoraGolden.ints(golden2.get("completion_ids"));
            int[] tokens = Arrays.copyOf(prompt, prompt.length + completion.length);
            System.arraycopy(completion, 0, tokens, prompt.length, completion.length);
            Example example2 = new Example(tokens, prompt.length);
            JsonNode after = lora.get("after_step_example2");
            assertEquals(after.get("mean_ce_completion").asDouble(),
                    Evaluation.loss(model, adapter, List.of(example2), 1, LossOn.COMPLETION), 1e-4);
            assertEquals(after.get("mean_ce_all").asDouble(),
                    Evaluation.loss(model, adapter, List.of(example2), 1, LossOn.ALL), 1e-4);
        }
    }

    @Test
    void activationCheckpointingGivesTheSameStep() {
        HyperParameters hp = goldenHyperParameters();
        float[] plain;
        float[] checkpointed;
        TrainStepResult a;
        TrainStepResult b;
        try (LoraAdapter adapter = LoraAdapter.loadPeft(SharedAssets.golden("tiny-llama3-a-lora"), model);
                LoraTrainer trainer = new LoraTrainer(model, adapter, hp, goldenExamples())) {
            a = trainer.step();
            plain = flatten(adapter);
        }
        try (LoraAdapter adapter = LoraAdapter.loadPeft(SharedAssets.golden("tiny-llama3-a-lora"), model);
                LoraTrainer trainer = new LoraTrainer(model, adapter, hp, goldenExamples())
                        .withActivationCheckpointing(true)) {
            b = trainer.step();
            checkpointed = flatten(adapter);
        }
        assertEquals(a.loss(), b.loss(), 1e-6);
        assertEquals(a.gradNorm(), b.gradNorm(), 1e-5 * a.gradNorm());
        assertArrayEquals(plain, checkpointed, 1e-7f);
    }

    static float[] flatten(LoraAdapter adapter) {
        float[] all = new float[0];
        for (NDArray a : adapter.peftTensors().values()) {
            all = concat(all, a.toFloatArray());
        }
        return all;
    }

    static int[] concat(int[] a, int[] b) {
        int[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    static float[] concat(float[] a, float[] b) {
        float[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
