package io.lorastream.llm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import io.lorastream.contracts.HyperParameters;
import io.lorastream.contracts.HyperParameters.LossOn;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Merged accumulation and a caller-given micro-batch order (used to replay the PEFT baseline's batches). */
class LoraTrainerOptionsTest {

    @BeforeAll
    static void load() {
        LoraTrainerTest.load();
    }

    @AfterAll
    static void close() {
        LoraTrainerTest.close();
    }

    private static float[] stepGradients(HyperParameters hp, boolean merged, List<int[]> plan, TrainStepResult[] out) {
        float[][] grads = new float[1][];
        try (LoraAdapter adapter = LoraTrainerTest.freshAdapter(hp);
                LoraTrainer t = new LoraTrainer(LoraTrainerTest.model, adapter, hp, LoraTrainerTest.train)) {
            t.withMergedAccumulation(merged);
            if (plan != null) {
                t.withMicroBatchPlan(plan);
            }
            t.inspectGradients(g -> {
                float[] all = new float[0];
                for (NDArray a : g.values()) {
                    all = LoraTrainingGoldenTest.concat(all, a.toFloatArray());
                }
                grads[0] = all;
            });
            out[0] = t.step();
        }
        return grads[0];
    }

    @Test
    void mergedAccumulationIsTheSameUpdateInOneBatch() {
        HyperParameters hp = LoraTrainerTest.hp(2, 3, 1, 0, LossOn.ALL);
        List<int[]> plan = List.of(new int[] {0, 1}, new int[] {2, 3}, new int[] {4, 5});
        TrainStepResult[] a = new TrainStepResult[1];
        TrainStepResult[] b = new TrainStepResult[1];
        float[] separate = stepGradients(hp, false, plan, a);
        float[] merged = stepGradients(hp, true, plan, b);
        assertEquals(a[0].labelTokens(), b[0].labelTokens());
        assertEquals(a[0].loss(), b[0].loss(), 1e-5);
        double rms = a[0].gradNorm() / Math.sqrt(separate.length);
        assertArrayEquals(separate, merged, (float) (1e-4 * rms));
    }

    @Test
    void aMicroBatchPlanChoosesTheExamplesOfEachStep() {
        HyperParameters hp = LoraTrainerTest.hp(2, 1, 1, 0, LossOn.ALL);
        List<Example> train = LoraTrainerTest.train;
        TrainStepResult[] r = new TrainStepResult[1];
        stepGradients(hp, false, List.of(new int[] {7, 3}), r);
        int expectedTokens = train.get(7).length() + train.get(3).length();
        assertEquals(expectedTokens, r[0].tokens()); // exactly examples 7 and 3, padding excluded

        List<int[]> outside = new ArrayList<>(List.of(new int[] {0, train.size()}));
        try (LoraAdapter adapter = LoraTrainerTest.freshAdapter(hp);
                LoraTrainer t = new LoraTrainer(LoraTrainerTest.model, adapter, hp, train)) {
            assertThrows(IllegalArgumentException.class, () -> t.withMicroBatchPlan(outside));
        }
    }
}
