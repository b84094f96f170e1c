package io.lorastream.llm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lorastream.contracts.HyperParameters.LossOn;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ExampleAndBatchingTest {
    private static final int BOS = 128000;
    private static final int EOS = 128009;
    private static final int PAD = 128004;

    @Test
    void exampleIsBosPromptThenLabelAndEos() {
        Example e = Example.of(BOS, new int[] {10, 11, 12}, new int[] {31587}, EOS, 2048);
        assertArrayEquals(new int[] {BOS, 10, 11, 12, 31587, EOS}, e.tokens());
        assertEquals(4, e.promptLength());
        assertEquals(2, e.completionLength());
    }

    @Test
    void truncationKeepsTheCompletionAndThePromptsEnd() {
        Example e = Example.of(BOS, new int[] {1, 2, 3, 4, 5, 6}, new int[] {7, 8}, EOS, 6);
        assertArrayEquals(new int[] {BOS, 5, 6, 7, 8, EOS}, e.tokens());
        assertEquals(3, e.promptLength());
        // a completion longer than the window keeps bos and its own start
        Example cut = Example.of(BOS, new int[] {1, 2}, new int[] {7, 8, 9, 10}, EOS, 4);
        assertArrayEquals(new int[] {BOS, 7, 8, 9}, cut.tokens());
        assertEquals(1, cut.promptLength());
    }

    @Test
    void padMatchesTheGoldenRightPaddedBatch() {
        // the two examples of golden/tiny-llama3-a-golden.json "lora.batch", by shape: 33 and 36 tokens
        int[] p1 = IntStream.range(0, 30).map(i -> 1000 + i).toArray();
        int[] p2 = IntStream.range(0, 33).map(i -> 2000 + i).toArray();
        Example a = Example.of(BOS, p1, new int[] {31587}, EOS, 2048);
        Example b = Example.of(BOS, p2, new int[] {43324}, EOS, 2048);
        TrainBatch batch = Batching.pad(List.of(a, b), PAD, LossOn.COMPLETION);

        assertEquals(2, batch.batchSize());
        assertEquals(36, batch.seqLength());
        int[] row0Labels = Arrays.copyOfRange(batch.labels(), 0, 36);
        int[] expected = new int[36];
        Arrays.fill(expected, TrainBatch.IGNORE);
        expected[31] = 31587;
        expected[32] = EOS;
        assertArrayEquals(expected, row0Labels);
        assertEquals(PAD, batch.inputIds()[33]);
        assertEquals(0, batch.attentionMask()[33]);
        assertEquals(1, batch.attentionMask()[32]);
        assertEquals(43324, batch.labels()[36 + 34]);
        assertEquals(4, batch.labelTokens());
        assertEquals(33 + 36, batch.realTokens());
    }

    @Test
    void lossOnAllLabelsEveryRealToken() {
        Example a = Example.of(BOS, new int[] {5, 6}, new int[] {7}, EOS, 2048);
        Example b = Example.of(BOS, new int[] {5}, new int[] {7}, EOS, 2048);
        TrainBatch batch = Batching.pad(List.of(a, b), PAD, LossOn.ALL);
        assertArrayEquals(new int[] {BOS, 5, 6, 7, EOS, BOS, 5, 7, EOS, TrainBatch.IGNORE}, batch.labels());
        assertEquals(4 + 3, batch.labelTokens()); // position 0 is never a target
    }

    @Test
    void epochPlanIsDeterministicCompleteAndLengthBucketed() {
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < 301; i++) {
            examples.add(Example.of(BOS, new int[1 + (i * 37) % 50], new int[] {7}, EOS, 2048));
        }
        List<int[]> plan = Batching.epochPlan(examples, 4, 3407, 0);
        List<int[]> again = Batching.epochPlan(examples, 4, 3407, 0);
        assertEquals(plan.size(), again.size());
        for (int i = 0; i < plan.size(); i++) {
            assertArrayEquals(plan.get(i), again.get(i));
        }
        assertEquals(76, plan.size()); // ceil(301 / 4)
        int[] all = plan.stream().flatMapToInt(Arrays::stream).sorted().toArray();
        assertArrayEquals(IntStream.range(0, 301).toArray(), all);

        // within a bucket the lengths of a micro-batch are close: far less padding than a random order
        long padded = plan.stream().mapToLong(b -> padding(examples, b)).sum();
        assertTrue(padded < 301 * 3, "padding tokens " + padded);

        List<int[]> otherEpoch = Batching.epochPlan(examples, 4, 3407, 1);
        assertNotEquals(Arrays.toString(plan.get(0)) + Arrays.toString(plan.get(1)),
                Arrays.toString(otherEpoch.get(0)) + Arrays.toString(otherEpoch.get(1)));
        assertThrows(IllegalArgumentException.class, () -> Batching.epochPlan(examples, 0, 1, 0));
    }

    private static long padding(List<Example> examples, int[] batch) {
        int max = Arrays.stream(batch).map(i -> examples.get(i).length()).max().orElseThrow();
        return Arrays.stream(batch).mapToLong(i -> max - examples.get(i).length()).sum();
    }
}
