package io.lorastream.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.lorastream.contracts.PromptRecord;
import io.lorastream.contracts.PromptTemplate;
import io.lorastream.contracts.SentimentLabel;
import io.lorastream.contracts.Split;
import io.lorastream.llm.SentimentClassifier.Scoring;
import io.lorastream.testing.SharedAssets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Shared-prompt scoring (all single-token labels of a text in one row) against one row per label, on
 * tiny-llama3-a with the real Llama 3 tokenizer; and the fallback for multi-token labels (stories260K).
 */
class SentimentClassifierSharedPromptTest {
    static LlamaModel llama3;
    static LlamaModel stories;

    @BeforeAll
    static void load() {
        DjlFlags.apply();
        llama3 = LlamaModel.load(SharedAssets.golden("tiny-llama3-a"), LoadOptions.defaults()
                .withDevice(Device.cpu()).withQuantize(false).withTokenizerDir(SharedAssets.llama3Tokenizer()));
        stories = LlamaModel.load(SharedAssets.stories260K(), LoadOptions.defaults().withDevice(Device.cpu()).withQuantize(false));
    }

    @AfterAll
    static void close() {
        llama3.close();
        stories.close();
    }

    /** TweetEval validation tweets plus a very short and a long one: prompts of many lengths per batch. */
    static List<String> texts() {
        List<String> out = new ArrayList<>();
        for (PromptRecord r : TweetEvalSample.first(Split.VALIDATION, 21)) {
            out.add(r.input());
        }
        out.add("ok");
        out.add(String.join(" ", out.subList(0, 6)));
        return out;
    }

    @Test
    void sharedPromptEqualsOneRowPerLabelWithoutAndWithAnAdapter() {
        List<String> labels = SentimentLabel.texts();
        for (String label : labels) {
            assertEquals(1, llama3.tokenizer().encode(label).length, label + " is one Llama 3 token");
        }
        SentimentClassifier shared = new SentimentClassifier(llama3, labels, 8);
        SentimentClassifier perLabel = new SentimentClassifier(llama3, labels, 8, Scoring.ROW_PER_LABEL);
        assertEquals(Scoring.SHARED_PROMPT, shared.scoring(), "single-token labels take the shared-prompt path");
        List<String> texts = texts();
        int shortest = Integer.MAX_VALUE;
        int longest = 0;
        for (String t : texts) {
            int n = llama3.tokenizer().encode(PromptTemplate.prompt(PromptTemplate.normalizeTweet(t))).length;
            shortest = Math.min(shortest, n);
            longest = Math.max(longest, n);
        }
        assertTrue(longest - shortest > 20, "prompt lengths " + shortest + ".." + longest);
        try (LoraAdapter adapter = LoraAdapter.loadPeft(SharedAssets.golden("tiny-llama3-a-lora"), llama3)) {
            for (LoraAdapter a : Arrays.asList(null, adapter)) {
                List<double[]> expected = perLabel.logLikelihoods(texts, a);
                List<double[]> actual = shared.logLikelihoods(texts, a);
                assertEquals(texts.size(), actual.size());
                for (int i = 0; i < texts.size(); i++) {
                    for (int j = 0; j < labels.size(); j++) {
                        assertEquals(expected.get(i)[j], actual.get(i)[j], 1e-4,
                                (a == null ? "base" : "adapter") + ", text " + i + ", " + labels.get(j));
                    }
                }
            }
            // the adapter changes the scores, so the comparison above covered two different models
            assertTrue(Math.abs(shared.logLikelihoods(texts.subList(0, 1), null).get(0)[2]
                    - shared.logLikelihoods(texts.subList(0, 1), adapter).get(0)[2]) > 1e-3);
        }
        // one text alone (no padding) scores as inside a padded batch
        double[] alone = new SentimentClassifier(llama3, labels, 1).logLikelihoods(texts.subList(3, 4), null).get(0);
        double[] batched = shared.logLikelihoods(texts, null).get(3);
        for (int j = 0; j < labels.size(); j++) {
            assertEquals(alone[j], batched[j], 1e-4);
        }
    }

    /** The GPU's configuration (NF4, float16 compute) on the CPU: both layouts agree to half precision. */
    @Test
    void float16Nf4SharedPromptTracksOneRowPerLabel() {
        LoadOptions opts = LoadOptions.defaults().withDevice(Device.cpu()).withTokenizerDir(SharedAssets.llama3Tokenizer())
                .withComputeType(DataType.FLOAT16).withCacheDequantized(false);
        List<String> labels = SentimentLabel.texts();
        List<String> texts = texts().subList(0, 8);
        try (LlamaModel f16 = LlamaModel.load(SharedAssets.golden("tiny-llama3-a-bnb-4bit"), opts);
                LoraAdapter adapter = LoraAdapter.loadPeft(SharedAssets.golden("tiny-llama3-a-lora"), f16)) {
            List<double[]> expected = new SentimentClassifier(f16, labels, 4, Scoring.ROW_PER_LABEL).logLikelihoods(texts, adapter);
            List<double[]> actual = new SentimentClassifier(f16, labels, 4, Scoring.SHARED_PROMPT).logLikelihoods(texts, adapter);
            for (int i = 0; i < texts.size(); i++) {
                for (int j = 0; j < labels.size(); j++) {
                    double e = expected.get(i)[j];
                    assertTrue(Double.isFinite(actual.get(i)[j]), "text " + i + ", " + labels.get(j));
                    assertEquals(e, actual.get(i)[j], 1e-2 * Math.max(1, Math.abs(e)), "text " + i + ", " + labels.get(j));
                }
            }
        }
    }

    /** stories260K's labels are several tokens: one row per label, and the sums are the continuation's token log-probs. */
    @Test
    void multiTokenLabelsFallBackToOneRowPerLabel() {
        List<String> labels = SentimentLabel.texts();
        SentimentClassifier clf = new SentimentClassifier(stories, labels);
        assertEquals(Scoring.ROW_PER_LABEL, clf.scoring());
        assertThrows(IllegalArgumentException.class, () -> new SentimentClassifier(stories, labels, 4, Scoring.SHARED_PROMPT));
        List<String> texts = texts().subList(0, 5);
        List<double[]> ll = clf.logLikelihoods(texts, null);
        LlamaTokenizer tok = stories.tokenizer();
        for (int i = 0; i < texts.size(); i++) {
            int[] prompt = tok.encode(PromptTemplate.prompt(PromptTemplate.normalizeTweet(texts.get(i))));
            for (int j = 0; j < labels.size(); j++) {
                int[] label = tok.encode(labels.get(j));
                assertTrue(label.length > 1, labels.get(j) + " is several stories260K tokens");
                int[] row = new int[2 + prompt.length + label.length];
                row[0] = tok.bosId();
                System.arraycopy(prompt, 0, row, 1, prompt.length);
                System.arraycopy(label, 0, row, 1 + prompt.length, label.length);
                row[row.length - 1] = tok.eosId();
                try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
                    NDArray logits = stories.forward(m, new int[][] {row}, null, null);
                    float[] lp = LogProbs.nextToken(logits, m.create(new int[][] {row})).toFloatArray();
                    double sum = 0;
                    for (int t = prompt.length; t < lp.length; t++) { // predictions of label tokens and eos
                        sum += lp[t];
                    }
                    assertEquals(sum, ll.get(i)[j], 1e-4, "text " + i + ", " + labels.get(j));
                }
            }
        }
    }
}
