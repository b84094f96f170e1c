package io.lorastream.trainer;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.notNullValue;

import io.lorastream.contracts.ContractJson;
import io.lorastream.contracts.TrainingRequest;
import io.lorastream.testing.SharedAssets;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A run that fails is marked failed with its cause and the worker goes on; a running run can be cancelled. */
@QuarkusTest
class RunLifecycleTest {
    @InjectKafkaCompanion
    KafkaCompanion companion;

    @Test
    void aFailedRunKeepsItsCauseAndTheNextRunCompletes() throws Exception {
        TestData.Dataset data = completeDataset(8, 3);
        // a model folder whose config is fine but whose weights are garbage: the run fails when it loads them
        Path broken = Files.createTempDirectory("broken-model");
        Files.copy(SharedAssets.stories260K().resolve("config.json"), broken.resolve("config.json"));
        Files.copy(SharedAssets.stories260K().resolve("tokenizer.json"), broken.resolve("tokenizer.json"));
        Files.writeString(broken.resolve("model.safetensors"), "this is not a safetensors file");

        String failed = submit(new TrainingRequest(1, "req-" + UUID.randomUUID(), data.id(), broken.toString(),
                TestData.steps(2, 2), null));
        await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> given().get("/runs/" + failed).then()
                .body("status", equalTo("FAILED")).body("cause", containsString("safetensors")));

        String next = submit(TestData.request(data.id(), TestData.steps(2, 2)));
        await().atMost(Duration.ofMinutes(3)).untilAsserted(() -> given().get("/runs/" + next).then()
                .body("status", equalTo("COMPLETED")).body("checkpoints.size()", equalTo(1)));
    }

    @Test
    void aRunningRunStopsAtItsNextStepWhenCancelled() {
        TestData.Dataset data = completeDataset(8, 0);
        String runId = submit(TestData.request(data.id(), TestData.steps(100_000, 100_000)));
        await().atMost(Duration.ofMinutes(3)).untilAsserted(() -> given().get("/runs/" + runId).then()
                .body("status", equalTo("RUNNING")).body("completedSteps", greaterThanOrEqualTo(2))
                .body("progress.etaSeconds", notNullValue()).body("progress.tokensPerSecond", notNullValue()));
        given().post("/runs/" + runId + "/cancel").then().statusCode(200);
        await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> given().get("/runs/" + runId).then()
                .body("status", equalTo("CANCELLED")).body("completedSteps", lessThan(100_000)));
    }

    private TestData.Dataset completeDataset(int train, int validation) {
        TestData.Dataset data = TestData.tweetEval("life", train, validation);
        companion.produceStrings().fromRecords(TestData.recordMessages(data)).awaitCompletion();
        companion.produceStrings().fromRecords(TestData.sealMessage(data)).awaitCompletion();
        await().atMost(Duration.ofMinutes(2)).untilAsserted(() ->
                given().get("/datasets/" + data.id()).then().statusCode(200).body("status", equalTo("COMPLETE")));
        return data;
    }

    private static String submit(TrainingRequest request) {
        return given().contentType("application/json").body(ContractJson.writeString(request))
                .post("/runs").then().statusCode(202).extract().path("id");
    }
}
