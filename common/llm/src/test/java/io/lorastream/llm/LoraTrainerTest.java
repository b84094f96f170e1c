package io.lorastream.llm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import io.lorastream.contracts.HyperParameters;
import io.lorastream.contracts.HyperParameters.LossOn;
import io.lorastream.contracts.PromptRecord;
import io.lorastream.contracts.Split;
import io.lorastream.testing.SharedAssets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trainer on stories260K (NF4-quantized on load, as QLoRA trains): accumulation, determinism, resume, NaN skip. */
class LoraTrainerTest {
    static LlamaModel model;
    static List<Example> train;

    @BeforeAll
    static void load() {
        DjlFlags.apply();
        model = LlamaModel.load(SharedAssets.stories260K(), LoadOptions.defaults().withDevice(Device.cpu()));
        train = examples(TweetEvalSample.first(Split.TRAIN, 10));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static List<Example> examples(List<PromptRecord> records) {
        List<Example> out = new ArrayList<>();
        for (PromptRecord r : records) {
            out.add(Example.forTraining(model.tokenizer(), r, model.maxSeqLength()));
        }
        return out;
    }

    static HyperParameters hp(int micro, int accum, int steps, double dropout, LossOn lossOn) {
        return HyperParameters.defaults().with(Map.of("microBatchSize", micro, "gradientAccumulationSteps", accum,
                "maxSteps", steps, "loraDropout", dropout, "learningRate", 1e-3, "warmupSteps", 1,
                "lossOn", lossOn.wireName()));
    }

    static LoraAdapter freshAdapter(HyperParameters hp) {
        LoraAdapter a = LoraAdapter.init(model, LoraConfig.from(hp), hp.seed());
        // B = 0 would make every first step's A-gradient zero: start from a non-trivial adapter
        ai.djl.pytorch.jni.JniUtils.setSeed(42);
        for (NDArray p : a.parameters()) {
            try (NDArray noise = p.getManager().randomUniform(-0.05f, 0.05f, p.getShape())) {
                p.addi(noise);
            }
        }
        return a;
    }

    @Test
    void gradientAccumulationEqualsOneLargerBatch() {
        List<Example> four = train.subList(0, 4); // one epoch = one step either way: the same examples
        float[][] grads = new float[2][];
        int k = 0;
        TrainStepResult[] results = new TrainStepResult[2];
        for (HyperParameters hp : List.of(hp(1, 4, 1, 0, LossOn.COMPLETION), hp(4, 1, 1, 0, LossOn.COMPLETION))) {
            int slot = k++;
            try (LoraAdapter adapter = freshAdapter(hp);
                    LoraTrainer t = new LoraTrainer(model, adapter, hp.with(Map.of("warmupSteps", 0)), four)) {
                t.inspectGradients(g -> {
                    float[] all = new float[0];
                    for (NDArray a : g.values()) {
                        all = LoraTrainingGoldenTest.concat(all, a.toFloatArray());
                    }
                    grads[slot] = all;
                });
                results[slot] = t.step();
            }
        }
        assertEquals(results[1].labelTokens(), results[0].labelTokens());
        assertEquals(results[1].loss(), results[0].loss(), 1e-5);
        assertEquals(results[1].gradNorm(), results[0].gradNorm(), 1e-5 * results[1].gradNorm());
        double rms = results[1].gradNorm() / Math.sqrt(grads[1].length);
        assertArrayEquals(grads[1], grads[0], (float) (1e-4 * rms));
    }

    @Test
    void resumedRunIsBitIdenticalToAStraightRun(@TempDir Path dir) throws Exception {
        // dropout on, epochs wrap (10 examples, 4 per step), warmup then linear decay: all state matters
        HyperParameters hp = hp(2, 2, 6, 0.1, LossOn.COMPLETION);
        Path straight = dir.resolve("straight");
        try (LoraAdapter adapter = LoraAdapter.init(model, LoraConfig.from(hp), hp.seed());
                LoraTrainer t = new LoraTrainer(model, adapter, hp, train)) {
            List<TrainStepResult> results = t.train();
            assertEquals(6, results.size());
            adapter.savePeft(straight, "stories260K");
        }
        Path state = dir.resolve("state");
        try (LoraAdapter adapter = LoraAdapter.init(model, LoraConfig.from(hp), hp.seed());
                LoraTrainer t = new LoraTrainer(model, adapter, hp, train)) {
            for (int i = 0; i < 3; i++) {
                t.step();
            }
            t.saveState(state);
        }
        Path resumed = dir.resolve("resumed");
        // new objects all the way down: a fresh model, adapter, optimizer and trainer
        try (LlamaModel reloaded = LlamaModel.load(SharedAssets.stories260K(), LoadOptions.defaults().withDevice(Device.cpu()));
                LoraTrainer t = LoraTrainer.resume(reloaded, state, hp, examplesOf(reloaded))) {
            assertEquals(3, t.completedSteps());
            t.train();
            assertEquals(6, t.completedSteps());
            t.adapter().savePeft(resumed, "stories260K");
        }
        assertArrayEquals(Files.readAllBytes(straight.resolve(LoraAdapter.WEIGHTS_FILE)),
                Files.readAllBytes(resumed.resolve(LoraAdapter.WEIGHTS_FILE)));
    }

    private static List<Example> examplesOf(LlamaModel m) {
        List<Example> out = new ArrayList<>();
        for (PromptRecord r : TweetEvalSample.first(Split.TRAIN, 10)) {
            out.add(Example.forTraining(m.tokenizer(), r, m.maxSeqLength()));
        }
        return out;
    }

    @Test
    void activationCheckpointingReplaysTheSameDropoutMasks() {
        HyperParameters hp = hp(2, 2, 2, 0.1, LossOn.COMPLETION);
        float[][] adapters = new float[2][];
        double[] losses = new double[2];
        for (int run = 0; run < 2; run++) {
            try (LoraAdapter adapter = freshAdapter(hp);
                    LoraTrainer t = new LoraTrainer(model, adapter, hp, train).withActivationCheckpointing(run == 1)) {
                losses[run] = t.train().get(1).loss();
                adapters[run] = LoraTrainingGoldenTest.flatten(adapter);
            }
        }
        assertEquals(losses[0], losses[1], 1e-6);
        assertArrayEquals(adapters[0], adapters[1], 1e-6f);
    }

    @Test
    void resumeRefusesOtherDataOrSettings(@TempDir Path dir) {
        HyperParameters hp = hp(2, 1, 4, 0, LossOn.COMPLETION);
        try (LoraAdapter adapter = LoraAdapter.init(model, LoraConfig.from(hp), hp.seed());
                LoraTrainer t = new LoraTrainer(model, adapter, hp, train)) {
            t.step();
            t.saveState(dir);
            t.saveState(dir); // overwriting a state is allowed
        }
        assertThrows(IllegalArgumentException.class,
                () -> LoraTrainer.resume(model, dir, hp, train.subList(0, 9)).close());
        assertThrows(IllegalArgumentException.class,
                () -> LoraTrainer.resume(model, dir, hp.with(Map.of("learningRate", 5e-4)), train).close());
        try (LoraTrainer t = LoraTrainer.resume(model, dir, hp, train)) {
            assertEquals(1, t.completedSteps());
        }
    }

    @Test
    void aNonFiniteStepIsSkippedAndReported() {
        HyperParameters hp = hp(2, 1, 3, 0, LossOn.ALL);
        try (LoraAdapter adapter = LoraAdapter.init(model, LoraConfig.from(hp), hp.seed());
                LoraTrainer t = new LoraTrainer(model, adapter, hp, train)) {
            NDArray b = adapter.peftTensors().values().stream().skip(1).findFirst().orElseThrow(); // a lora_B
            float[] before = LoraTrainingGoldenTest.flatten(adapter);
            b.set(new NDIndex(0, 0), Float.NaN);
            TrainStepResult r = t.step();
            assertTrue(r.skipped());
            assertTrue(Double.isNaN(r.loss()));
            assertEquals(1, t.completedSteps());
            assertEquals(0, t.optimizer().steps());
            b.set(new NDIndex(0, 0), 0f);
            assertArrayEquals(before, LoraTrainingGoldenTest.flatten(adapter), 0f); // nothing was updated
            TrainStepResult next = t.step();
            assertFalse(next.skipped());
            assertTrue(Double.isFinite(next.loss()) && next.gradNorm() > 0);
        }
    }

    @Test
    void progressIsReportedEveryStepAndTrainingStopsAtMaxSteps() {
        HyperParameters hp = hp(2, 1, 2, 0, LossOn.COMPLETION);
        List<TrainStepResult> seen = new ArrayList<>();
        try (LoraAdapter adapter = LoraAdapter.init(model, LoraConfig.from(hp), hp.seed());
                LoraTrainer t = new LoraTrainer(model, adapter, hp, train).onProgress(seen::add)) {
            t.train();
            assertTrue(t.finished());
            assertThrows(IllegalStateException.class, t::step);
        }
        assertEquals(2, seen.size());
        assertEquals(1, seen.get(0).step());
        assertEquals(0.0, seen.get(0).lr()); // warmup: HF's first step has lr 0
        assertEquals(1e-3, seen.get(1).lr(), 1e-12);
        assertTrue(seen.get(1).tokensPerSecond() > 0);
    }
}
