package io.lorastream.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import io.lorastream.contracts.SentimentLabel;
import io.lorastream.testing.SharedAssets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Whole-continuation scoring on tiny-llama3-a with the real Llama 3 tokenizer, against the golden losses. */
class SentimentClassifierTest {
    static LlamaModel model;
    static JsonNode golden;

    @BeforeAll
    static void load() {
        DjlFlags.apply();
        golden = LoraGolden.all();
        model = LlamaModel.load(SharedAssets.golden("tiny-llama3-a"), LoadOptions.defaults()
                .withDevice(Device.cpu()).withQuantize(false).withTokenizerDir(SharedAssets.llama3Tokenizer()));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static List<String> tweets() {
        List<String> out = new ArrayList<>();
        golden.get("examples").forEach(e -> out.add(e.get("tweet").asText()));
        return out;
    }

    /**
     * The gold label's continuation is [label, eos]: its log-likelihood is minus twice the golden
     * mean_ce_completion (mean over those two tokens) of the base model.
     */
    @Test
    void goldLabelLogLikelihoodIsTheGoldenCompletionLoss() {
        SentimentClassifier clf = new SentimentClassifier(model, SentimentLabel.texts());
        List<double[]> ll = clf.logLikelihoods(tweets(), null);
        for (int i = 0; i < ll.size(); i++) {
            JsonNode ex = golden.get("examples").get(i);
            int gold = SentimentLabel.texts().indexOf(ex.get("label").asText());
            assertEquals(-2 * ex.get("mean_ce_completion").asDouble(), ll.get(i)[gold], 2e-4, ex.get("tweet").asText());
        }
    }

    @Test
    void batchedWithPaddingEqualsOneByOneAndProbabilitiesAreASoftmax() {
        List<String> texts = tweets();
        List<Classification> batched = new SentimentClassifier(model, SentimentLabel.texts(), 8).classify(texts, null);
        SentimentClassifier single = new SentimentClassifier(model, SentimentLabel.texts(), 1);
        List<double[]> ll = single.logLikelihoods(texts, null);
        for (int i = 0; i < texts.size(); i++) {
            double[] l = ll.get(i);
            double max = Math.max(l[0], Math.max(l[1], l[2]));
            double z = 0;
            for (double v : l) {
                z += Math.exp(v - max);
            }
            for (int j = 0; j < 3; j++) {
                String label = SentimentLabel.texts().get(j);
                assertEquals(Math.exp(l[j] - max) / z, batched.get(i).probabilities().get(label), 1e-4, texts.get(i) + " " + label);
            }
            assertEquals(batched.get(i).probabilities().values().stream().mapToDouble(Double::doubleValue).max().orElseThrow(),
                    batched.get(i).probability(), 0);
        }
    }

    @Test
    void theAdapterIsChosenPerCall() {
        SentimentClassifier clf = new SentimentClassifier(model, SentimentLabel.texts());
        try (LoraAdapter adapter = LoraAdapter.loadPeft(SharedAssets.golden("tiny-llama3-a-lora"), model)) {
            double[] base = clf.logLikelihoods(List.of("I'm so happy today!"), null).get(0);
            double[] adapted = clf.logLikelihoods(List.of("I'm so happy today!"), adapter).get(0);
            double[] baseAgain = clf.logLikelihoods(List.of("I'm so happy today!"), null).get(0);
            assertNotEquals(base[2], adapted[2], 1e-3);
            assertEquals(base[2], baseAgain[2], 0);
        }
        assertThrows(IllegalArgumentException.class, () -> new SentimentClassifier(model, List.of("a", "a")));
    }
}
