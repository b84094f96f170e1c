package io.lorastream.trainer;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lorastream.contracts.ContractJson;
import io.lorastream.contracts.DatasetSealed;
import io.lorastream.contracts.HyperParameters;
import io.lorastream.contracts.PromptRecord;
import io.lorastream.contracts.Split;
import io.lorastream.contracts.Topics;
import io.lorastream.contracts.TrainingRequest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/** Bad input goes to the dead-letter topics with its reason, or gets a 400 problem body; nothing stops. */
@QuarkusTest
class BadInputTest {
    @InjectKafkaCompanion
    KafkaCompanion companion;

    @Test
    void invalidTrainingRequestsAreDeadLetteredWithTheReason() {
        String id = UUID.randomUUID().toString();
        ConsumerTask<String, String> dlq = companion.consumeStrings().fromTopics(Topics.dlq(Topics.TRAINING_REQUESTS));
        HyperParameters bad = HyperParameters.defaults().with(Map.of("loraR", 0, "learningRate", -1.0));
        HyperParameters unknownTarget = HyperParameters.defaults().with(Map.of("targetModules", List.of("q_proj", "foo")));
        HyperParameters tooLong = HyperParameters.defaults().with(Map.of("maxSeqLength", 4096));
        companion.produceStrings().fromRecords(
                new ProducerRecord<>(Topics.TRAINING_REQUESTS, id + "-json", "{not json"),
                new ProducerRecord<>(Topics.TRAINING_REQUESTS, id + "-missing", "{\"schemaVersion\":1,\"requestId\":\"x\"}"),
                request(id + "-hp", bad),
                request(id + "-target", unknownTarget),
                request(id + "-seq", tooLong),
                TestData.requestMessage(new TrainingRequest(1, "r-" + id, id + "-model", "/nonexistent/model", null, null)))
                .awaitCompletion();

        Map<String, String> reasons = awaitReasons(dlq, id, 6);
        assertTrue(reasons.get(id + "-json").contains("invalid TrainingRequest"), reasons.toString());
        assertTrue(reasons.get(id + "-missing").contains("datasetId"), reasons.toString());
        assertTrue(reasons.get(id + "-hp").contains("loraR must be > 0"), reasons.toString());
        assertTrue(reasons.get(id + "-hp").contains("learningRate must be > 0"), reasons.toString());
        assertTrue(reasons.get(id + "-target").contains("unknown target module 'foo_proj'"), reasons.toString());
        assertTrue(reasons.get(id + "-seq").contains("maxSeqLength 4096 exceeds the base model's max_position_embeddings 512"),
                reasons.toString());
        assertTrue(reasons.get(id + "-model").contains("/nonexistent/model"), reasons.toString());
        for (ConsumerRecord<String, String> r : dlq.getRecords()) {
            if (r.key() != null && r.key().startsWith(id)) {
                assertTrue(header(r, Topics.DLQ_SOURCE_HEADER).startsWith(Topics.TRAINING_REQUESTS + "/0/"));
            }
        }
        dlq.stop();
    }

    @Test
    void invalidRecordsAndSealsAreDeadLettered() {
        TestData.Dataset data = TestData.tweetEval("bad", 4, 2);
        ConsumerTask<String, String> recordsDlq = companion.consumeStrings().fromTopics(Topics.dlq(Topics.PROMPT_RECORDS));
        ConsumerTask<String, String> sealsDlq = companion.consumeStrings().fromTopics(Topics.dlq(Topics.DATASETS));

        // a complete dataset first, then records that contradict it
        companion.produceStrings().fromRecords(TestData.recordMessages(data)).awaitCompletion();
        companion.produceStrings().fromRecords(TestData.sealMessage(data)).awaitCompletion();
        PromptRecord changed = PromptRecord.of(data.id(), Split.TRAIN, 0, "another tweet", "positive");
        PromptRecord extra = PromptRecord.of(data.id(), Split.TRAIN, 99, "one more", "neutral");
        String id = data.id();
        await().atMost(Duration.ofMinutes(2)).untilAsserted(() ->
                given().get("/datasets/" + data.id()).then().statusCode(200).body("status", equalTo("COMPLETE")));
        companion.produceStrings().fromRecords(
                new ProducerRecord<>(Topics.PROMPT_RECORDS, id + "-json", "[1, 2"),
                new ProducerRecord<>(Topics.PROMPT_RECORDS, id + "-newer",
                        "{\"schemaVersion\":9,\"datasetId\":\"" + id + "\",\"split\":\"train\",\"index\":1}"),
                new ProducerRecord<>(Topics.PROMPT_RECORDS, id + "-changed", ContractJson.writeString(changed)),
                new ProducerRecord<>(Topics.PROMPT_RECORDS, id + "-extra", ContractJson.writeString(extra)),
                // a redelivered record is not an error
                new ProducerRecord<>(Topics.PROMPT_RECORDS, id + "-same", ContractJson.writeString(data.records().get(0))))
                .awaitCompletion();
        Map<String, String> reasons = awaitReasons(recordsDlq, id, 4);
        assertTrue(reasons.get(id + "-json").contains("invalid PromptRecord"), reasons.toString());
        assertTrue(reasons.get(id + "-newer").contains("schemaVersion 9 is newer"), reasons.toString());
        assertTrue(reasons.get(id + "-changed").contains("already complete"), reasons.toString());
        assertTrue(reasons.get(id + "-extra").contains("not part of it"), reasons.toString());
        assertTrue(!reasons.containsKey(id + "-same"), "a redelivered identical record is accepted silently");

        // a seal whose digest does not match its records: dead-lettered, and the run waiting for it fails
        TestData.Dataset other = TestData.tweetEval("mismatch", 3, 1);
        DatasetSealed wrong = DatasetSealed.of(other.id(), other.seal().counts(), other.seal().recordCount(),
                "0".repeat(64), "test", null);
        String runId = given().contentType("application/json")
                .body(ContractJson.writeString(TestData.request(other.id(), TestData.steps(2, 2))))
                .post("/runs").then().statusCode(202).body("status", equalTo("WAITING_FOR_DATASET"))
                .extract().path("id");
        companion.produceStrings().fromRecords(TestData.recordMessages(other)).awaitCompletion();
        companion.produceStrings().fromRecords(
                new ProducerRecord<>(Topics.DATASETS, other.id(), ContractJson.writeString(wrong)),
                new ProducerRecord<>(Topics.DATASETS, other.id() + "-json", "{\"schemaVersion\":1}")).awaitCompletion();
        Map<String, String> sealReasons = awaitReasons(sealsDlq, other.id(), 2);
        assertTrue(sealReasons.get(other.id()).contains("its seal says " + "0".repeat(64)), sealReasons.toString());
        assertTrue(sealReasons.get(other.id() + "-json").contains("invalid DatasetSealed"), sealReasons.toString());
        await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> given().get("/runs/" + runId).then()
                .body("status", equalTo("FAILED")).body("cause", containsString("sha256")));
        recordsDlq.stop();
        sealsDlq.stop();
    }

    @Test
    void invalidRequestsOverRestGetAProblemBody() {
        HyperParameters bad = HyperParameters.defaults().with(Map.of("loraR", -1, "maxSeqLength", 100000));
        given().contentType("application/json")
                .body(ContractJson.writeString(TestData.request("any", bad)))
                .post("/runs").then().statusCode(400)
                .contentType(containsString("application/problem+json"))
                .body("status", equalTo(400))
                .body("problems", hasItems("loraR must be > 0, was -1",
                        "maxSeqLength 100000 exceeds the base model's max_position_embeddings 512"));
        given().contentType("application/json").body("{\"schemaVersion\": 7}").post("/runs").then().statusCode(400)
                .body("detail", containsString("schemaVersion 7 is newer"));
        given().get("/runs/run-unknown").then().statusCode(404).contentType(containsString("application/problem+json"));
        given().post("/runs/run-unknown/cancel").then().statusCode(404).body("detail", containsString("run-unknown"));
        given().get("/runs?status=sleeping").then().statusCode(400).body("detail", containsString("unknown status"));
        given().get("/runs?status=waiting_for_dataset").then().statusCode(200);
    }

    @Test
    void aWaitingRunCanBeCancelledOnceOnly() {
        String runId = given().contentType("application/json")
                .body(ContractJson.writeString(TestData.request("never-sealed-" + UUID.randomUUID(), null)))
                .post("/runs").then().statusCode(202).extract().path("id");
        given().post("/runs/" + runId + "/cancel").then().statusCode(200).body("status", equalTo("CANCELLED"));
        given().post("/runs/" + runId + "/cancel").then().statusCode(409)
                .contentType(containsString("application/problem+json")).body("detail", containsString("already cancelled"));
        given().get("/runs?status=cancelled").then().statusCode(200).body("id", hasItem(runId));
    }

    private static ProducerRecord<String, String> request(String key, HyperParameters hp) {
        return new ProducerRecord<>(Topics.TRAINING_REQUESTS, key,
                ContractJson.writeString(TrainingRequest.of("r-" + key, "ds-" + key, null, hp)));
    }

    /** Dead letters whose key starts with {@code prefix}, by key: their reason header. */
    private static Map<String, String> awaitReasons(ConsumerTask<String, String> task, String prefix, int count) {
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(300)).until(() -> task.getRecords().stream()
                .filter(r -> r.key() != null && r.key().startsWith(prefix)).count() >= count);
        Map<String, String> reasons = new java.util.HashMap<>();
        task.getRecords().stream().filter(r -> r.key() != null && r.key().startsWith(prefix))
                .forEach(r -> reasons.put(r.key(), header(r, Topics.DLQ_REASON_HEADER)));
        assertEquals(count, reasons.size(), reasons.toString());
        return reasons;
    }

    private static String header(ConsumerRecord<String, String> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }
}
