package io.lorastream.inference.service;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lorastream.contracts.ContractJson;
import io.lorastream.contracts.Digests;
import io.lorastream.contracts.SentimentResult;
import io.lorastream.contracts.Topics;
import io.lorastream.inference.support.Api;
import io.lorastream.inference.support.StreamAssertions;
import io.lorastream.inference.support.TestAdapters;
import io.lorastream.inference.support.TestKafka;
import io.lorastream.inference.support.TweetLoad;
import io.lorastream.testing.SharedAssets;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/**
 * Corrupt adapters arrive while tweets stream: each is rejected with its reason in the registry, and the
 * active adapter serves every tweet, exactly once, throughout.
 */
@QuarkusTest
class CorruptAdapterTest {
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void corruptAdaptersAreRejectedWithAReasonWhileTheActiveOneKeepsServing() throws Exception {
        Api.awaitReady();
        given().contentType("application/json").body("{\"policy\":\"always\"}").put("/adapters/policy").then().statusCode(200);
        String good = "good-" + run;
        TestKafka.checkpoint(TestAdapters.event(good, 1, TestAdapters.create(good, 5), 0.5));
        Api.awaitActive(good + "@1");

        Path other = TestAdapters.create("other-" + run, 6);
        Path wrongShapes = TestAdapters.wrongShapes("shapes-" + run, 7);
        String prefix = "corrupt-" + run + "-";
        try (TestKafka.Reader results = TestKafka.Reader.keysStartingWith(Topics.SENTIMENTS, prefix);
                TestKafka.Reader checkpointDlq = TestKafka.Reader.keysStartingWith(Topics.dlq(Topics.CHECKPOINTS), prefix);
                TweetLoad load = new TweetLoad(prefix, results::size, 48, 4)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> results.size() >= 40);

            // declared digest is another adapter's
            TestKafka.checkpoint(TestAdapters.event("badsha-" + run, 1, other, Digests.sha256(new byte[] {1}),
                    TestAdapters.baseModelSha256(), 0.9));
            // right digest, tensors that do not fit the model
            TestKafka.checkpoint(TestAdapters.event("shapes-" + run, 1, wrongShapes, 0.9));
            // trained on another base model (the Llama 3 tokenizer folder stands in for one)
            TestKafka.checkpoint(TestAdapters.event("otherbase-" + run, 1, other, TestAdapters.sha256(other),
                    Digests.modelSha256(SharedAssets.llama3Tokenizer()), 0.9));
            // nothing at the URI
            TestKafka.checkpoint(TestAdapters.event("missing-" + run, 1, other.resolveSibling("nothing-" + run),
                    TestAdapters.sha256(other), TestAdapters.baseModelSha256(), 0.9));
            // not a checkpoint event at all: dead-lettered, the channel goes on
            TestKafka.send(Topics.CHECKPOINTS, prefix + "garbage", "{\"adapterId\": ");

            Map<String, Object> badSha = Api.awaitStatus("badsha-" + run + "@1", "REJECTED");
            Map<String, Object> shapes = Api.awaitStatus("shapes-" + run + "@1", "REJECTED");
            Map<String, Object> otherBase = Api.awaitStatus("otherbase-" + run + "@1", "REJECTED");
            Map<String, Object> missing = Api.awaitStatus("missing-" + run + "@1", "REJECTED");
            assertTrue(((String) badSha.get("reason")).startsWith("sha256 mismatch"), badSha.toString());
            assertTrue(((String) shapes.get("reason")).contains("does not fit the base model"), shapes.toString());
            assertTrue(((String) shapes.get("reason")).contains("q_proj"), shapes.toString());
            assertTrue(((String) otherBase.get("reason")).startsWith("trained on another base model"), otherBase.toString());
            assertTrue(((String) missing.get("reason")).contains("does not exist"), missing.toString());
            await().atMost(Duration.ofSeconds(30)).until(() -> checkpointDlq.size() == 1);
            Header reason = checkpointDlq.records().get(0).headers().lastHeader(Topics.DLQ_REASON_HEADER);
            assertTrue(new String(reason.value(), StandardCharsets.UTF_8).startsWith("invalid-json"));

            int before = results.size();
            await().atMost(Duration.ofSeconds(60)).until(() -> results.size() >= before + 40);
            Map<String, String> sent = load.stop();
            await().atMost(Duration.ofSeconds(60)).until(() -> results.size() >= sent.size());
            Thread.sleep(1_000);

            Map<String, SentimentResult> byId = StreamAssertions.exactlyOnce(sent, results.records());
            List<String> adapters = byId.values().stream().map(SentimentResult::adapter).distinct().toList();
            assertEquals(List.of(good + "@1"), adapters, "the active adapter served every tweet");
        }
        assertEquals(good + "@1", Api.active());
        given().get("/q/metrics").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("lorastream_inference_adapters_verified_total{outcome=\"rejected\"}"));
        assertTrue(ContractJson.writeString(Api.registry().getList("adapters")).contains("REJECTED"));
    }
}
