package io.lorastream.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.lorastream.testing.SharedAssets;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Causal and padding masks on stories260K: a padded row scores its real tokens as the same row alone.
 * With LEFT padding the real tokens also sit at shifted positions; RoPE only sees relative positions,
 * so equality holds exactly when (and only when) the padding keys are masked out.
 */
class AttentionMaskTest {
    private static LlamaModel model;

    @BeforeAll
    static void load() {
        DjlFlags.apply();
        model = LlamaModel.load(SharedAssets.stories260K(), LoadOptions.defaults().withDevice(Device.cpu()).withQuantize(false));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void paddedRowsScoreLikeUnpaddedOnes() {
        LlamaTokenizer tok = model.tokenizer();
        int[] shortRow = withBos(tok.encode("The cat sat on the mat."));
        int[] longRow = withBos(tok.encode("Once upon a time, there was a little girl named Lily."));
        int t = longRow.length;
        int pad = t - shortRow.length;
        int[] right = Arrays.copyOf(shortRow, t);
        Arrays.fill(right, shortRow.length, t, tok.padId());
        int[] left = new int[t];
        Arrays.fill(left, 0, pad, tok.padId());
        System.arraycopy(shortRow, 0, left, pad, shortRow.length);
        int[] rightMask = new int[t];
        int[] leftMask = new int[t];
        for (int i = 0; i < t; i++) {
            rightMask[i] = i < shortRow.length ? 1 : 0;
            leftMask[i] = i >= pad ? 1 : 0;
        }
        int[] ones = new int[t];
        Arrays.fill(ones, 1);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray alone = model.forward(m, new int[][] {shortRow}, null, null);
            NDArray batch = model.forward(m, new int[][] {right, left, longRow}, new int[][] {rightMask, leftMask, ones}, null);
            NDArray longAlone = model.forward(m, new int[][] {longRow}, null, null);
            for (int i = 0; i < shortRow.length; i++) {
                assertClose(alone.get(0, i), batch.get(0, i), "right padding, position " + i);
                assertClose(alone.get(0, i), batch.get(1, pad + i), "left padding, position " + i);
            }
            for (int i = 0; i < t; i++) {
                assertClose(longAlone.get(0, i), batch.get(2, i), "unpadded row in a padded batch, position " + i);
            }
            NDArray unmasked = model.forward(m, new int[][] {left}, new int[][] {ones}, null);
            float diff = unmasked.get(0, t - 1).sub(alone.get(0, shortRow.length - 1)).abs().max().getFloat();
            assertEquals(true, diff > 1e-2, "without the padding mask the pad tokens change the result (" + diff + ")");
        }
    }

    private static void assertClose(NDArray expected, NDArray actual, String what) {
        float diff = expected.sub(actual).abs().max().getFloat();
        assertEquals(0f, diff, 1e-4f, what);
    }

    private static int[] withBos(int[] ids) {
        int[] out = new int[ids.length + 1];
        out[0] = model.tokenizer().bosId();
        System.arraycopy(ids, 0, out, 1, ids.length);
        return out;
    }
}
