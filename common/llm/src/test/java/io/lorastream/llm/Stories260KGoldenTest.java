package io.lorastream.llm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import io.lorastream.testing.SharedAssets;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * stories260K (a real pretrained tiny Llama) against transformers' float32 numbers in
 * golden/stories260K-golden.json: tokenizer ids, per-prompt losses, token losses, last-position
 * logits, argmax, and 256 greedy tokens.
 */
class Stories260KGoldenTest {
    private static LlamaModel model;
    private static JsonNode golden;

    @BeforeAll
    static void load() {
        DjlFlags.apply();
        golden = GoldenJson.read("stories260K-golden.json");
        model = LlamaModel.load(SharedAssets.stories260K(),
                LoadOptions.defaults().withDevice(Device.cpu()).withQuantize(false));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void configAndSpecialTokens() {
        LlamaConfig c = model.config();
        assertEquals(64, c.hiddenSize());
        assertEquals(5, c.numHiddenLayers());
        assertEquals(4, c.numKeyValueHeads());
        assertEquals(512, model.maxSeqLength());
        assertEquals(1, model.tokenizer().bosId());
        assertEquals(2, model.tokenizer().eosId());
        assertEquals(2, model.tokenizer().padId(), "no pad token: pad with eos");
    }

    @Test
    void tokenizerMatchesHuggingFace() {
        for (JsonNode check : golden.get("tokenizer_checks")) {
            int[] expected = GoldenJson.ints(check.get("expected_ids"));
            int[] withoutBos = Arrays.copyOfRange(expected, 1, expected.length);
            String text = check.get("text").asText();
            assertArrayEquals(withoutBos, model.tokenizer().encode(text), text);
            assertEquals(check.get("decoded").asText(), model.tokenizer().decode(withoutBos), text);
        }
    }

    @Test
    void promptLossesLogitsAndArgmax() {
        for (JsonNode p : golden.get("prompts")) {
            String name = p.get("name").asText();
            int[] ids = GoldenJson.ints(p.get("ids"));
            int[] bos = {model.tokenizer().bosId()};
            assertArrayEquals(ids, concat(bos, model.tokenizer().encode(p.get("text").asText())), name + " ids");
            try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
                NDArray logits = model.forward(m, new int[][] {ids}, null, null);
                float[] tokenLogProbs = LogProbs.nextToken(logits, m.create(new int[][] {ids})).toFloatArray();
                double[] expectedTokenLosses = GoldenJson.doubles(p.get("token_losses"));
                assertEquals(expectedTokenLosses.length, tokenLogProbs.length);
                double sum = 0;
                for (int i = 0; i < tokenLogProbs.length; i++) {
                    assertEquals(expectedTokenLosses[i], -tokenLogProbs[i], 1e-4, name + " token loss " + i);
                    sum += -tokenLogProbs[i];
                }
                assertEquals(p.get("loss").asDouble(), sum / tokenLogProbs.length, 1e-4, name + " loss");
                float[] last = logits.get(0, ids.length - 1).toFloatArray();
                double[] expectedLast = GoldenJson.doubles(p.get("last_logits"));
                for (int v = 0; v < last.length; v++) {
                    assertEquals(expectedLast[v], last[v], 1e-3, name + " last logit " + v);
                }
                assertEquals(p.get("argmax_last").asInt(), Generator.argmax(last), name + " argmax");
            }
        }
    }

    @Test
    void greedy256TokensMatchLlama2c() {
        JsonNode g = golden.get("greedy");
        int[] prompt = GoldenJson.ints(g.get("prompt_ids"));
        int[] out = Generator.greedy(model, null, prompt, 256, false);
        assertArrayEquals(GoldenJson.ints(g.get("ids")), out);
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
