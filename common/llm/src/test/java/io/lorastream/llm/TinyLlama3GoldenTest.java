package io.lorastream.llm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import io.lorastream.contracts.PromptTemplate;
import io.lorastream.testing.SharedAssets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * tiny-llama3-a (Llama 3.1 architecture at toy size: GQA, llama3 RoPE scaling, tied embeddings, bf16
 * weights, transformers-5 config) with the real Llama 3 tokenizer, against
 * golden/tiny-llama3-a-golden.json: tokenizer ids, base-model losses, label log-probs, first logits.
 */
class TinyLlama3GoldenTest {
    static LlamaModel model;
    static JsonNode golden;

    @BeforeAll
    static void load() {
        DjlFlags.apply();
        golden = GoldenJson.read("tiny-llama3-a-golden.json");
        model = LlamaModel.load(SharedAssets.golden("tiny-llama3-a"), LoadOptions.defaults()
                .withDevice(Device.cpu()).withQuantize(false).withTokenizerDir(SharedAssets.llama3Tokenizer()));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void configReadsTransformers5Fields() {
        LlamaConfig c = model.config();
        assertEquals("llama3", c.rope().type());
        assertEquals(500000.0, c.rope().theta());
        assertEquals(8.0, c.rope().factor());
        assertEquals(8192, c.rope().originalMaxPositionEmbeddings());
        assertEquals("bfloat16", c.torchDtype());
        assertTrue(c.tieWordEmbeddings());
        assertNull(c.quantization());
    }

    @Test
    void llama3TokenizerIdsAndSpecialTokens() {
        LlamaTokenizer tok = model.tokenizer();
        for (JsonNode check : golden.get("tokenizer_check")) {
            String text = check.get("text").asText();
            assertArrayEquals(GoldenJson.ints(check.get("ids")), tok.encode(text), text);
            assertEquals(text, tok.decode(tok.encode(text)), text);
        }
        assertEquals(golden.get("bos").asInt(), tok.bosId());
        assertEquals(golden.get("eos").asInt(), tok.eosId());
        assertEquals(golden.get("pad").asInt(), tok.padId());
        for (Iterator<Map.Entry<String, JsonNode>> it = golden.get("label_first_token").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            assertArrayEquals(new int[] {e.getValue().asInt()}, tok.encode(e.getKey()), e.getKey());
        }
    }

    @Test
    void llama3PadWithoutATokenizerConfigEntry(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        // Meta's own files name no pad token: the reserved right-padding token is used, not eos
        java.nio.file.Files.copy(SharedAssets.llama3Tokenizer().resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        java.nio.file.Files.writeString(dir.resolve("tokenizer_config.json"),
                "{\"bos_token\": \"<|begin_of_text|>\", \"eos_token\": \"<|eot_id|>\"}");
        try (LlamaTokenizer tok = LlamaTokenizer.load(dir, model.config())) {
            assertEquals(128000, tok.bosId());
            assertEquals(128009, tok.eosId());
            assertEquals(128004, tok.padId());
        }
    }

    @Test
    void promptIdsFollowTheTemplate() {
        for (JsonNode ex : golden.get("examples")) {
            String prompt = golden.get("template").asText().replace("{}", ex.get("tweet").asText());
            int[] expected = GoldenJson.ints(ex.get("prompt_ids"));
            int[] ids = model.tokenizer().encode(prompt);
            assertEquals(model.tokenizer().bosId(), expected[0]);
            assertArrayEquals(Arrays.copyOfRange(expected, 1, expected.length), ids, ex.get("tweet").asText());
            assertEquals(prompt, PromptTemplate.prompt(ex.get("tweet").asText()), "contracts' template");
        }
    }

    @Test
    void baseLossesLogProbsAndLogits() {
        for (JsonNode ex : golden.get("examples")) {
            ExampleScores s = ExampleScores.of(model, ex);
            String tweet = ex.get("tweet").asText();
            assertEquals(ex.get("mean_ce_all").asDouble(), s.meanCeAll, 1e-4, tweet + " mean_ce_all");
            assertEquals(ex.get("mean_ce_completion").asDouble(), s.meanCeCompletion, 1e-4, tweet + " mean_ce_completion");
            s.assertLabelLogProbs(golden, ex.get("label_logprobs_after_prompt"), tweet);
            JsonNode first = ex.get("logits_first_positions_first8");
            for (int t = 0; t < first.size(); t++) {
                double[] expected = GoldenJson.doubles(first.get(t));
                for (int v = 0; v < expected.length; v++) {
                    assertEquals(expected[v], s.logits[t][v], 1e-3, tweet + " logit[" + t + "][" + v + "]");
                }
            }
            JsonNode top = ex.get("next_token_after_prompt_top10");
            int[] topIds = GoldenJson.ints(top.get("ids"));
            double[] topLogits = GoldenJson.doubles(top.get("logits"));
            for (int i = 0; i < topIds.length; i++) {
                assertEquals(topLogits[i], s.afterPrompt[topIds[i]], 1e-3, tweet + " top10 logit of " + topIds[i]);
            }
            assertEquals(topIds[0], Generator.argmax(s.afterPrompt), tweet + " next token");
        }
    }

    /** The scores of one golden example (prompt + completion) under a model and optional adapter. */
    static final class ExampleScores {
        double meanCeAll;
        double meanCeCompletion;
        float[] afterPromptLogProbs;
        float[] afterPrompt;
        float[][] logits;

        static ExampleScores of(LlamaModel model, JsonNode ex) {
            int[] prompt = GoldenJson.ints(ex.get("prompt_ids"));
            int[] completion = GoldenJson.ints(ex.get("completion_ids"));
            int[] ids = Arrays.copyOf(prompt, prompt.length + completion.length);
            System.arraycopy(completion, 0, ids, prompt.length, completion.length);
            ExampleScores s = new ExampleScores();
            try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
                NDArray logits = model.forward(m, new int[][] {ids}, null, null);
                float[] lp = LogProbs.nextToken(logits, m.create(new int[][] {ids})).toFloatArray();
                double all = 0;
                double completionSum = 0;
                for (int t = 0; t < lp.length; t++) {
                    all -= lp[t];
                    if (t + 1 >= prompt.length) {
                        completionSum -= lp[t];
                    }
                }
                s.meanCeAll = all / lp.length;
                s.meanCeCompletion = completionSum / completion.length;
                s.afterPromptLogProbs = LogProbs.at(logits, prompt.length - 1).toFloatArray();
                logits = logits.toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
                s.afterPrompt = logits.get(0, prompt.length - 1).toFloatArray();
                s.logits = new float[4][];
                for (int t = 0; t < 4; t++) {
                    s.logits[t] = Arrays.copyOf(logits.get(0, t).toFloatArray(), 8);
                }
            }
            return s;
        }

        void assertLabelLogProbs(JsonNode golden, JsonNode expected, String what) {
            for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                int token = golden.get("label_first_token").get(e.getKey()).asInt();
                assertEquals(e.getValue().asDouble(), afterPromptLogProbs[token], 1e-4, what + " log p(" + e.getKey() + ")");
            }
        }
    }
}
