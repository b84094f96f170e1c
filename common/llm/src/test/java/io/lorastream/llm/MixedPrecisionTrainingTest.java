package io.lorastream.llm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.lorastream.contracts.HyperParameters;
import io.lorastream.contracts.PromptRecord;
import io.lorastream.contracts.Split;
import io.lorastream.testing.SharedAssets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Float16 compute (the CUDA default) exercised on the CPU: float16 working weights carry the gradients,
 * the float32 masters are what AdamW updates and what is saved, and the run follows the float32 run.
 */
class MixedPrecisionTrainingTest {

    static List<Example> examples(LlamaModel model, int n) {
        List<Example> out = new ArrayList<>();
        for (PromptRecord r : TweetEvalSample.first(Split.TRAIN, n)) {
            out.add(Example.forTraining(model.tokenizer(), r, model.maxSeqLength()));
        }
        return out;
    }

    static List<TrainStepResult> run(DataType type, HyperParameters hp, float[][] adapterOut) {
        try (LlamaModel model = LlamaModel.load(SharedAssets.stories260K(),
                LoadOptions.defaults().withDevice(Device.cpu()).withComputeType(type));
                LoraAdapter adapter = LoraAdapter.init(model, LoraConfig.from(hp), hp.seed());
                LoraTrainer t = new LoraTrainer(model, adapter, hp, examples(model, 16))) {
            List<TrainStepResult> results = t.train();
            for (NDArray p : adapter.parameters()) {
                assertEquals(DataType.FLOAT32, p.getDataType(), "masters stay float32");
            }
            adapterOut[0] = LoraTrainingGoldenTest.flatten(adapter);
            return results;
        }
    }

    @Test
    void float16TrainingFollowsFloat32() {
        DjlFlags.apply();
        HyperParameters hp = HyperParameters.defaults().with(Map.of("maxSteps", 8, "learningRate", 1e-3,
                "warmupSteps", 1, "gradientAccumulationSteps", 1));
        float[][] a32 = new float[1][];
        float[][] a16 = new float[1][];
        List<TrainStepResult> r32 = run(DataType.FLOAT32, hp, a32);
        List<TrainStepResult> r16 = run(DataType.FLOAT16, hp, a16);
        for (int i = 0; i < r32.size(); i++) {
            assertTrue(!r16.get(i).skipped(), "step " + (i + 1) + " overflowed");
            assertEquals(r32.get(i).loss(), r16.get(i).loss(), 2e-2 * r32.get(i).loss(), "loss of step " + (i + 1));
            assertEquals(r32.get(i).gradNorm(), r16.get(i).gradNorm(), 5e-2 * r32.get(i).gradNorm(), "grad norm of step " + (i + 1));
        }
        assertTrue(r16.get(7).loss() < r16.get(0).loss());
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < a32[0].length; i++) {
            diff += Math.pow(a32[0][i] - a16[0][i], 2);
            norm += Math.pow(a32[0][i], 2);
        }
        assertTrue(Math.sqrt(diff / norm) < 5e-2, "relative adapter difference " + Math.sqrt(diff / norm));
    }

    @Test
    void float16ResumeIsBitIdentical(@TempDir Path dir) throws Exception {
        DjlFlags.apply();
        HyperParameters hp = HyperParameters.defaults().with(Map.of("maxSteps", 4, "warmupSteps", 1, "gradientAccumulationSteps", 1));
        LoadOptions fp16 = LoadOptions.defaults().withDevice(Device.cpu()).withComputeType(DataType.FLOAT16);
        try (LlamaModel model = LlamaModel.load(SharedAssets.stories260K(), fp16)) {
            List<Example> train = examples(model, 12);
            try (LoraAdapter adapter = LoraAdapter.init(model, LoraConfig.from(hp), hp.seed());
                    LoraTrainer t = new LoraTrainer(model, adapter, hp, train)) {
                t.train();
                adapter.savePeft(dir.resolve("straight"), null);
            }
            try (LoraAdapter adapter = LoraAdapter.init(model, LoraConfig.from(hp), hp.seed());
                    LoraTrainer t = new LoraTrainer(model, adapter, hp, train)) {
                t.step();
                t.step();
                t.saveState(dir.resolve("state"));
            }
            try (LoraTrainer t = LoraTrainer.resume(model, dir.resolve("state"), hp, train)) {
                t.train();
                t.adapter().savePeft(dir.resolve("resumed"), null);
            }
        }
        assertArrayEquals(Files.readAllBytes(dir.resolve("straight").resolve(LoraAdapter.WEIGHTS_FILE)),
                Files.readAllBytes(dir.resolve("resumed").resolve(LoraAdapter.WEIGHTS_FILE)));
    }
}
