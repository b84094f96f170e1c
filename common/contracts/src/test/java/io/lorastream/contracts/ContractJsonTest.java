package io.lorastream.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContractJsonTest {

    @Test
    void templateIsTheReferenceRunsByteForByte() {
        String expected = "### Instruction:\nClassify the sentiment of the tweet as positive, negative, or neutral."
                + "\n\n### Input:\n@user I love it\n\n### Output:\n";
        assertEquals(expected, PromptTemplate.prompt("@user I love it"));
        assertEquals(expected + "positive", PromptTemplate.full(PromptTemplate.INSTRUCTION, "@user I love it", "positive"));
        assertEquals("a  b", PromptTemplate.normalizeTweet("  a  b \n"));
    }

    @Test
    void unknownFieldsAreTolerated() {
        String json = """
                {"schemaVersion":1,"id":"t1","text":"hello","createdAt":"2026-11-26T10:00:00Z","futureField":{"x":1}}""";
        TweetMessage m = ContractJson.read(json, TweetMessage.class);
        assertEquals("t1", m.id());
        assertEquals("hello", m.text());
    }

    @Test
    void newerSchemaVersionIsAClearError() {
        String json = """
                {"schemaVersion":2,"id":"t1","text":"hello"}""";
        ContractException e = assertThrows(ContractException.class, () -> ContractJson.read(json, TweetMessage.class));
        assertTrue(e.getMessage().contains("schemaVersion 2 is newer"), e.getMessage());
    }

    @Test
    void missingRequiredFieldIsAClearError() {
        String json = """
                {"schemaVersion":1,"datasetId":"d","split":"train","index":0,"instruction":"i","output":"positive",
                 "label":"positive","templateId":"alpaca-sentiment-v1"}""";
        ContractException e = assertThrows(ContractException.class, () -> ContractJson.read(json, PromptRecord.class));
        assertEquals("PromptRecord: missing required field 'input'", e.getMessage());
        ContractException noVersion = assertThrows(ContractException.class,
                () -> ContractJson.read("{\"id\":\"t\",\"text\":\"x\"}", TweetMessage.class));
        assertTrue(noVersion.getMessage().contains("schemaVersion"), noVersion.getMessage());
    }

    @Test
    void malformedJsonIsAContractError() {
        assertThrows(ContractException.class, () -> ContractJson.read("{not json", TweetMessage.class));
        assertThrows(ContractException.class, () -> ContractJson.read(new byte[0], TweetMessage.class));
        assertThrows(ContractException.class, () -> ContractJson.read("null", TweetMessage.class));
    }

    @Test
    void hyperParameterDefaultsAreTheReferenceRuns() {
        HyperParameters hp = ContractJson.read("{}", HyperParameters.class);
        assertEquals(HyperParameters.defaults(), hp);
        assertEquals(16, hp.loraR());
        assertEquals(16.0, hp.loraAlpha());
        assertEquals(0.0, hp.loraDropout());
        assertEquals(HyperParameters.ALL_TARGETS, hp.targetModules());
        assertEquals(2, hp.microBatchSize());
        assertEquals(4, hp.gradientAccumulationSteps());
        assertEquals(60, hp.maxSteps());
        assertEquals(2e-4, hp.learningRate());
        assertEquals(2048, hp.maxSeqLength());
        assertEquals(0.01, hp.weightDecay());
        assertEquals(HyperParameters.Schedule.LINEAR, hp.lrSchedule());
        assertEquals(5, hp.warmupSteps());
        assertEquals(3407L, hp.seed());
        assertEquals(HyperParameters.LossOn.COMPLETION, hp.lossOn());
        assertTrue(hp.problems().isEmpty());

        TrainingRequest r = ContractJson.read("""
                {"schemaVersion":1,"requestId":"r","datasetId":"d","hyperParameters":{"loraR":8,"targetModules":["q","v"]}}""",
                TrainingRequest.class);
        assertEquals(8, r.hyperParameters().loraR());
        assertEquals(List.of("q_proj", "v_proj"), r.hyperParameters().targetModules());
        assertEquals(60, r.hyperParameters().maxSteps());
    }

    @Test
    void invalidHyperParametersAreListed() {
        HyperParameters bad = HyperParameters.defaults().with(Map.of("loraR", 0, "learningRate", -1.0,
                "targetModules", List.of("q_proj", "lm_head")));
        List<String> problems = bad.problems();
        assertTrue(problems.contains("loraR must be > 0, was 0"), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("learningRate must be > 0")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("unknown target module 'lm_head_proj'")
                || p.startsWith("unknown target module 'lm_head'")), problems.toString());
        assertThrows(ContractException.class, () -> HyperParameters.defaults().with(Map.of("nope", 1)));
    }

    @Test
    void checkpointEventRoundTripsWithFinalFlag() {
        CheckpointEvent e = CheckpointEvent.of("run-1", "adapter-1", 3, 60, true, "stories260K", "abc",
                "file:///tmp/a", "def", new CheckpointMetrics(2.1, 1.9, 0.6, 0.55, 0.5, "completion"));
        String json = ContractJson.writeString(e);
        assertTrue(json.contains("\"final\":true"), json);
        assertEquals(e, ContractJson.read(json, CheckpointEvent.class));
        assertEquals("adapter-1@3", e.adapterRef());
    }
}
