package io.lorastream.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.lorastream.testing.SharedAssets;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Caller-given positions and attention patterns ({@link AttentionLayout}) on stories260K. */
class AttentionLayoutTest {
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
    void aCausalLayoutWithPaddingEqualsThePlainMaskedPass() {
        int[] a = withBos(model.tokenizer().encode("The cat sat on the mat."));
        int[] b = withBos(model.tokenizer().encode("Once upon a time, there was a little girl named Lily."));
        int t = b.length;
        int[][] ids = {Arrays.copyOf(a, t), b};
        Arrays.fill(ids[0], a.length, t, model.tokenizer().padId());
        int[][] mask = new int[2][t];
        int[][] positions = new int[2][t];
        boolean[][][] allowed = new boolean[2][t][t];
        for (int r = 0; r < 2; r++) {
            int real = r == 0 ? a.length : t;
            for (int q = 0; q < t; q++) {
                mask[r][q] = q < real ? 1 : 0;
                positions[r][q] = q;
                for (int k = 0; k <= q; k++) {
                    allowed[r][q][k] = k < real; // the plain pass: causal, padding keys blocked
                }
            }
        }
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray idArray = m.create(ids);
            NDArray plain = model.forward(m, ids, mask, null);
            NDArray custom = model.head(model.hiddenStates(idArray,
                    model.newPassWithLayout(idArray, new AttentionLayout(positions, allowed), false), null));
            assertEquals(0f, plain.sub(custom).abs().max().getFloat(), 1e-5f);
        }
    }

    /** A prompt with two multi-token branches in one row scores each branch like its own row. */
    @Test
    void treeRowsScoreEachBranchLikeASeparateRow() {
        int[] prompt = withBos(model.tokenizer().encode("Once upon a time,"));
        int[] first = model.tokenizer().encode(" there was a dog");
        int[] second = model.tokenizer().encode(" the sun");
        int p = prompt.length;
        int t = p + first.length + second.length;
        int[] row = new int[t];
        System.arraycopy(prompt, 0, row, 0, p);
        System.arraycopy(first, 0, row, p, first.length);
        System.arraycopy(second, 0, row, p + first.length, second.length);
        int[][] positions = new int[1][t];
        boolean[][][] allowed = new boolean[1][t][t];
        for (int q = 0; q < t; q++) {
            int branchStart = q < p ? 0 : q < p + first.length ? p : p + first.length;
            positions[0][q] = q < p ? q : p + q - branchStart;
            Arrays.fill(allowed[0][q], 0, Math.min(p, q + 1), true); // the prompt, causally
            Arrays.fill(allowed[0][q], branchStart, q + 1, true);    // its own branch so far
        }
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray ids = m.create(new int[][] {row});
            NDArray tree = model.head(model.hiddenStates(ids,
                    model.newPassWithLayout(ids, new AttentionLayout(positions, allowed), false), null));
            NDArray alone1 = model.forward(m, new int[][] {concat(prompt, first)}, null, null);
            NDArray alone2 = model.forward(m, new int[][] {concat(prompt, second)}, null, null);
            for (int q = 0; q < t; q++) {
                NDArray expected = q < p + first.length ? alone1.get(0, q) : alone2.get(0, q - first.length);
                assertEquals(0f, expected.sub(tree.get(0, q)).abs().max().getFloat(), 1e-4f, "token " + q);
            }
        }
    }

    @Test
    void badLayoutsAreRejected() {
        boolean[][][] none = new boolean[1][2][2];
        none[0][0][0] = true;
        assertThrows(IllegalArgumentException.class, () -> new AttentionLayout(new int[][] {{0, 1}}, none)); // query 1 sees nothing
        boolean[][][] ok = {{{true, false}, {true, true}}};
        assertThrows(IllegalArgumentException.class, () -> new AttentionLayout(new int[][] {{0, -1}}, ok));
        assertThrows(IllegalArgumentException.class, () -> new AttentionLayout(new int[][] {{0, 1, 2}}, ok));
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray three = m.create(new int[][] {{1, 2, 3}});
            assertThrows(IllegalArgumentException.class,
                    () -> model.newPassWithLayout(three, new AttentionLayout(new int[][] {{0, 1}}, ok), false));
            NDArray two = m.create(new int[][] {{1, 2}});
            int far = model.config().maxPositionEmbeddings();
            assertThrows(IllegalArgumentException.class,
                    () -> model.newPassWithLayout(two, new AttentionLayout(new int[][] {{0, far}}, ok), false));
        }
    }

    private static int[] concat(int[] x, int[] y) {
        int[] out = Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, out, x.length, y.length);
        return out;
    }

    private static int[] withBos(int[] ids) {
        return concat(new int[] {model.tokenizer().bosId()}, ids);
    }
}
