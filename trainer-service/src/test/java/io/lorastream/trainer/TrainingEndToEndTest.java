package io.lorastream.trainer;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lorastream.contracts.CheckpointEvent;
import io.lorastream.contracts.ContractJson;
import io.lorastream.contracts.Digests;
import io.lorastream.contracts.Topics;
import io.lorastream.contracts.TrainingRequest;
import io.lorastream.testing.SharedAssets;
import io.lorastream.trainer.domain.Checkpoint;
import io.lorastream.trainer.domain.RunStep;
import io.lorastream.trainer.domain.TrainingRun;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.restassured.path.json.JsonPath;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Records in, a run, checkpoint events with metrics out: stories260K trains on TweetEval rows through the
 * real broker and PostgreSQL, and its adapter is downloadable over HTTP.
 */
@QuarkusTest
class TrainingEndToEndTest {
    @InjectKafkaCompanion
    KafkaCompanion companion;

    @Test
    void trainsFromKafkaAndPublishesCheckpoints() throws Exception {
        TestData.Dataset data = TestData.tweetEval("e2e", 24, 9);
        TrainingRequest request = TestData.request(data.id(), TestData.steps(6, 3));
        ConsumerTask<String, String> checkpoints = companion.consumeStrings().fromTopics(Topics.CHECKPOINTS);

        // the request comes first: the run waits until the dataset is sealed and every record has arrived
        companion.produceStrings().fromRecords(TestData.requestMessage(request)).awaitCompletion();
        companion.produceStrings().fromRecords(TestData.recordMessages(data)).awaitCompletion();
        companion.produceStrings().fromRecords(TestData.sealMessage(data)).awaitCompletion();

        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500)).until(() ->
                events(checkpoints, data.id()).stream().anyMatch(CheckpointEvent::finalCheckpoint));
        checkpoints.stop();
        List<CheckpointEvent> events = events(checkpoints, data.id());
        assertEquals(List.of(3, 6), events.stream().map(CheckpointEvent::step).toList(), "every 3 steps and at the end");
        assertEquals(List.of(1, 2), events.stream().map(CheckpointEvent::version).toList());
        assertEquals(List.of(false, true), events.stream().map(CheckpointEvent::finalCheckpoint).toList());
        String modelSha = Digests.modelSha256(SharedAssets.stories260K());
        for (CheckpointEvent e : events) {
            assertEquals(data.id(), e.adapterId());
            assertEquals(modelSha, e.baseModelSha256());
            assertEquals("peft", e.format());
            assertNotNull(e.metrics().trainLoss());
            assertNotNull(e.metrics().validationLoss());
            assertTrue(e.metrics().validationLoss() > 0 && Double.isFinite(e.metrics().validationLoss()));
            assertTrue(e.metrics().accuracy() >= 0 && e.metrics().accuracy() <= 1);
            assertTrue(e.metrics().macroRecall() >= 0 && e.metrics().macroRecall() <= 1);
            assertEquals("completion", e.metrics().lossOn());
            Path folder = Path.of(URI.create(e.adapterUri()));
            assertEquals(e.adapterSha256(), Digests.adapterSha256(folder), "the event's sha256 is the stored adapter's");
        }
        String runId = events.get(0).runId();

        // the final event goes out just before the run is marked completed
        await().atMost(Duration.ofMinutes(1)).untilAsserted(() ->
                given().get("/runs/" + runId).then().body("status", equalTo("COMPLETED")));
        JsonPath run = given().get("/runs/" + runId).then().statusCode(200).extract().jsonPath();
        assertEquals(request.requestId(), run.getString("requestId"));
        assertEquals(6, run.getInt("completedSteps"));
        assertEquals(24, run.getInt("trainRecords"));
        assertEquals(9, run.getInt("validationRecords"));
        assertEquals(512, run.getInt("hyperParameters.maxSeqLength"), "the default 2048 is capped to the model's 512");
        assertEquals(List.of(1, 2, 3, 4, 5, 6), run.getList("lossCurve.step", Integer.class));
        assertTrue(run.getList("lossCurve.loss", Float.class).stream().allMatch(l -> l > 0));
        assertEquals(2, run.getList("checkpoints").size());
        assertEquals(modelSha, run.getString("baseModelSha256"));
        given().get("/runs").then().statusCode(200).body("id", hasItem(runId));
        given().get("/runs?status=completed").then().statusCode(200).body("id", hasItem(runId));

        // the rows behind it
        QuarkusTransaction.requiringNew().run(() -> {
            assertEquals(6, RunStep.ofRun(runId).size());
            assertEquals(2, Checkpoint.ofRun(runId).size());
            assertTrue(Checkpoint.ofRun(runId).stream().allMatch(c -> c.published));
            assertEquals(TrainingRun.<TrainingRun>findById(runId).status.name(), "COMPLETED");
        });

        // the final adapter over HTTP, as inference replicas fetch it
        CheckpointEvent last = events.get(1);
        Path downloaded = Files.createTempDirectory("adapter-download");
        for (String file : List.of("adapter_config.json", "adapter_model.safetensors")) {
            byte[] bytes = given().get("/adapters/" + last.adapterId() + "/" + last.version() + "/" + file)
                    .then().statusCode(200).extract().asByteArray();
            Files.write(downloaded.resolve(file), bytes);
        }
        assertEquals(last.adapterSha256(), Digests.adapterSha256(downloaded));

        // progress as Prometheus metrics
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("lorastream_trainer_steps_total"), "steps counter");
        assertTrue(metrics.contains("lorastream_trainer_step_duration_seconds"), "step timer");
        assertTrue(metrics.contains("lorastream_trainer_eta_seconds"), "ETA gauge");
    }

    @Test
    void onlyThePeftFilesOfRecordedVersionsAreServed() {
        String base = "/adapters/";
        for (String path : List.of("some-adapter/1/adapter_config.json", "some-adapter/x/adapter_config.json",
                "some-adapter/1/trainer-state", "some-adapter/1/..%2F..%2F..%2Fetc%2Fpasswd", "..%2F..%2Fetc/1/passwd",
                "some-adapter/1/application.properties")) {
            given().urlEncodingEnabled(false).get(base + path).then().statusCode(404);
        }
        given().get(base + "some-adapter/1/adapter_model.safetensors").then().statusCode(404)
                .contentType(containsString("application/problem+json")).body("status", equalTo(404));
    }

    private static List<CheckpointEvent> events(ConsumerTask<String, String> task, String adapterId) {
        return task.getRecords().stream()
                .map(r -> ContractJson.read(r.value(), CheckpointEvent.class))
                .filter(e -> e.adapterId().equals(adapterId))
                .sorted(java.util.Comparator.comparingInt(CheckpointEvent::version))
                .toList();
    }
}
