package io.lorastream.trainer.service;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lorastream.contracts.ContractJson;
import io.lorastream.contracts.Digests;
import io.lorastream.contracts.TrainingRequest;
import io.lorastream.testing.SharedAssets;
import io.lorastream.trainer.TestData;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The configured base model is a Hub id: the trainer downloads it from a local server that answers like
 * huggingface.co (with a token) into its cache on first use, then trains on it.
 */
@QuarkusTest
@TestProfile(HubBaseModelTest.FromFakeHub.class)
class HubBaseModelTest {
    static final String REPO = "lorastream-test/stories260K";
    static final FakeHub HUB = new FakeHub(REPO, SharedAssets.stories260K()).requireToken("hf_trainer_token");
    static final Path CACHE = Path.of("target", "hub-cache-" + UUID.randomUUID()).toAbsolutePath();

    public static class FromFakeHub implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lorastream.trainer.base-model", REPO,
                    "lorastream.trainer.hub.endpoint", HUB.endpoint().toString(),
                    "lorastream.trainer.hub.token", "hf_trainer_token",
                    "lorastream.trainer.hub.cache-dir", CACHE.toString());
        }
    }

    @InjectKafkaCompanion
    KafkaCompanion companion;

    @Test
    void aHubModelIsDownloadedOnFirstUseAndTrainedOn() throws Exception {
        TestData.Dataset data = TestData.tweetEval("hub", 8, 2);
        companion.produceStrings().fromRecords(TestData.recordMessages(data)).awaitCompletion();
        companion.produceStrings().fromRecords(TestData.sealMessage(data)).awaitCompletion();
        await().atMost(Duration.ofMinutes(2)).untilAsserted(() ->
                given().get("/datasets/" + data.id()).then().statusCode(200).body("status", equalTo("COMPLETE")));

        String runId = given().contentType("application/json")
                .body(ContractJson.writeString(TestData.request(data.id(), TestData.steps(2, 2))))
                .post("/runs").then().statusCode(202).body("baseModel", equalTo(REPO)).extract().path("id");
        await().atMost(Duration.ofMinutes(3)).untilAsserted(() -> given().get("/runs/" + runId).then()
                .body("status", equalTo("COMPLETED")));

        Path folder = CACHE.resolve("lorastream-test--stories260K").resolve("main");
        assertTrue(Files.exists(folder.resolve(HubModelCache.COMPLETE)));
        String sha = Digests.modelSha256(SharedAssets.stories260K());
        assertEquals(sha, Digests.modelSha256(folder));
        given().get("/runs/" + runId).then().body("baseModelSha256", equalTo(sha))
                .body("checkpoints[0].adapterSha256", equalTo(Digests.adapterSha256(
                        Path.of(java.net.URI.create(given().get("/runs/" + runId).then().extract()
                                .<String>path("checkpoints[0].adapterUri"))))));
        assertTrue(HUB.seen().stream().filter(r -> !r.path().startsWith("/cdn/"))
                .allMatch(r -> "Bearer hf_trainer_token".equals(r.authorization())), "the token goes with every Hub call");
    }

    @Test
    void aRequestForAModelTheHubDoesNotHaveIsRejected() {
        TrainingRequest request = new TrainingRequest(1, "req-" + UUID.randomUUID(), "any", "lorastream-test/missing", null, null);
        given().contentType("application/json").body(ContractJson.writeString(request))
                .post("/runs").then().statusCode(400)
                .body("detail", containsString("base model 'lorastream-test/missing' is not usable"))
                .body("detail", containsString("not found"));
    }
}
