package io.lorastream.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.lorastream.contracts.CheckpointMetrics;
import io.lorastream.contracts.HyperParameters;
import io.lorastream.contracts.PromptTemplate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelCardTest {
    static final RepoId REPO = new RepoId("alice", "llama31-tweet-sentiment");
    static final String LLAMA = "unsloth/Meta-Llama-3.1-8B-Instruct-bnb-4bit";

    static ModelCardData referenceRun() {
        HyperParameters hp = HyperParameters.defaults().with(Map.of("maxSteps", 60, "learningRate", 2e-4));
        return ModelCardData.of(REPO, LLAMA)
                .withRun("run-42", "tweet-sentiment", 3, 60, hp, Instant.parse("2025-01-02T03:04:05Z"))
                .withDigests("b".repeat(64), "a".repeat(64))
                .withDataset("tweeteval-sentiment-1000", "c".repeat(64), 1000, 200)
                .withResults(List.of(new ModelCardData.LossPoint(1, 2.4567, null),
                                new ModelCardData.LossPoint(20, 1.1234, 1.2345),
                                new ModelCardData.LossPoint(60, 0.5123, 0.6012)),
                        new CheckpointMetrics(0.5123, 0.6012, 0.715, 0.7034, 0.7, "completion"),
                        null, List.of(List.of(50L, 10L, 3L), List.of(8L, 60L, 12L), List.of(2L, 9L, 46L)));
    }

    /** The YAML between the leading {@code ---} lines, parsed as the Hub parses it. */
    static JsonNode frontMatter(String card) throws Exception {
        assertTrue(card.startsWith("---\n"), "the card starts with front matter");
        int end = card.indexOf("\n---\n", 4);
        assertTrue(end > 0, "the front matter is closed");
        return new YAMLMapper().readTree(card.substring(4, end + 1));
    }

    @Test
    void frontMatterHasTheHubMetadata() throws Exception {
        JsonNode fm = frontMatter(ModelCard.render(referenceRun()));
        assertEquals(LLAMA, fm.path("base_model").asText());
        assertEquals("peft", fm.path("library_name").asText());
        assertEquals("llama3.1", fm.path("license").asText());
        assertEquals(List.of("lora", "peft", "lorastream", "text-classification", "sentiment"), strings(fm.path("tags")));
        assertEquals(List.of("tweet_eval"), strings(fm.path("datasets")));
        assertEquals(List.of("accuracy", "recall", "f1"), strings(fm.path("metrics")));
        assertEquals("text-generation", fm.path("pipeline_tag").asText());
        JsonNode result = fm.path("model-index").get(0).path("results").get(0);
        assertEquals("llama31-tweet-sentiment", fm.path("model-index").get(0).path("name").asText());
        assertEquals("tweet_eval", result.path("dataset").path("type").asText());
        assertEquals("sentiment", result.path("dataset").path("config").asText());
        assertEquals("validation", result.path("dataset").path("split").asText());
        JsonNode metrics = result.path("metrics");
        assertEquals("accuracy", metrics.get(0).path("type").asText());
        assertEquals(0.715, metrics.get(0).path("value").asDouble(), 1e-9);
        assertEquals("recall", metrics.get(1).path("type").asText());
        assertEquals(0.7034, metrics.get(1).path("value").asDouble(), 1e-9);
        assertEquals("macro", metrics.get(1).path("args").path("average").asText());
        assertEquals(0.7, metrics.get(2).path("value").asDouble(), 1e-9);
    }

    @Test
    void bodyHasRunDatasetHyperParametersResultsAndAttribution() {
        String card = ModelCard.render(referenceRun());
        assertTrue(card.contains("**Built with Llama**"), card);
        assertTrue(card.contains("Llama 3.1 Community License"));
        assertTrue(card.contains("| Training examples | 1,000 |"), card);
        assertTrue(card.contains("| Validation examples | 200 |"));
        assertTrue(card.contains("| LoRA r | 16 |"));
        assertTrue(card.contains("| LoRA alpha | 16 |"));
        assertTrue(card.contains("| Target modules | q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj |"));
        assertTrue(card.contains("| Gradient accumulation steps | 4 (effective batch 8) |"));
        assertTrue(card.contains("| Learning rate | 2e-4 |"), card);
        assertTrue(card.contains("| Schedule | linear, 5 warmup steps |"));
        assertTrue(card.contains("| Seed | 3407 |"));
        assertTrue(card.contains("| Validation loss | 0.6012 |"));
        assertTrue(card.contains("| Accuracy | 0.7150 |"));
        assertTrue(card.contains("| Macro recall (TweetEval's metric) | 0.7034 |"));
        assertTrue(card.contains("| Checkpoint step | 60 |"));
        assertTrue(card.contains("| Adapter sha256 (lorastream digest) | `" + "a".repeat(64) + "` |"));
    }

    @Test
    void lossCurveIsATableWithEmptyCellsWhereNotEvaluated() {
        String card = ModelCard.render(referenceRun());
        assertTrue(card.contains("| step | train loss | validation loss |\n|---:|---:|---:|\n"
                + "| 1 | 2.4567 |  |\n"
                + "| 20 | 1.1234 | 1.2345 |\n"
                + "| 60 | 0.5123 | 0.6012 |\n"), card);
    }

    @Test
    void confusionMatrixHasLabelledRowsAndColumns() {
        String card = ModelCard.render(referenceRun());
        assertTrue(card.contains("| true \\ predicted | negative | neutral | positive |\n|---|---:|---:|---:|\n"
                + "| negative | 50 | 10 | 3 |\n"
                + "| neutral | 8 | 60 | 12 |\n"
                + "| positive | 2 | 9 | 46 |\n"), card);
    }

    @Test
    void promptTemplateAndUsageSnippets() {
        String card = ModelCard.render(referenceRun());
        assertTrue(card.contains("```text\n" + PromptTemplate.prompt("{tweet}") + "```"), card);
        assertTrue(card.contains("PeftModel.from_pretrained(model, \"alice/llama31-tweet-sentiment\")"));
        assertTrue(card.contains("base_id = \"" + LLAMA + "\""));
        assertTrue(card.contains("prompt = \"### Instruction:\\nClassify the sentiment of the tweet as positive, "
                + "negative, or neutral.\\n\\n### Input:\\n{tweet}\\n\\n### Output:\\n\".format(tweet=tweet.strip())"),
                card);
        assertTrue(card.contains("\"uri\": \"hf://alice/llama31-tweet-sentiment@main\""), card);
        assertTrue(card.contains("\"adapterId\": \"tweet-sentiment\", \"version\": 3"));
        assertTrue(card.contains("`adapterUri` is `hf://alice/llama31-tweet-sentiment@main`"));
    }

    @Test
    void licenseIsConfigurableAndNonLlamaBasesGetNoAttribution() throws Exception {
        ModelCardData stories = ModelCardData.of(new RepoId("alice", "stories-sentiment"), "stories260K-hf");
        String card = ModelCard.render(stories);
        JsonNode fm = frontMatter(card);
        assertEquals("other", fm.path("license").asText());
        assertTrue(fm.path("base_model").isMissingNode(), "a local model name is no Hub id");
        assertFalse(card.contains("Built with Llama"));
        assertTrue(fm.path("model-index").isMissingNode(), "no metrics, no model-index");
        assertTrue(card.contains("| Validation loss | n/a |"));

        JsonNode mit = frontMatter(ModelCard.render(stories.withLicense("mit")));
        assertEquals("mit", mit.path("license").asText());
        assertEquals("llama3.1", ModelCard.license(ModelCardData.of(REPO, "meta-llama/Llama-3.1-8B-Instruct")));
    }

    @Test
    void licenseProblemsNameTheLlamaNamingRule() {
        assertEquals(List.of(), ModelCard.licenseProblems(referenceRun()), "llama31-tweet-sentiment begins with llama");
        List<String> p = ModelCard.licenseProblems(ModelCardData.of(new RepoId("alice", "tweet-sentiment"), LLAMA));
        assertEquals(1, p.size());
        assertTrue(p.get(0).contains("begin with \"Llama\""), p.get(0));
        assertEquals(List.of(), ModelCard.licenseProblems(ModelCardData.of(new RepoId("alice", "x"), "stories260K-hf")));
    }

    @Test
    void rejectsAConfusionMatrixOfTheWrongShape() {
        assertThrows(IllegalArgumentException.class, () -> ModelCardData.of(REPO, LLAMA)
                .withResults(List.of(), null, null, List.of(List.of(1L, 2L), List.of(3L, 4L))));
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
