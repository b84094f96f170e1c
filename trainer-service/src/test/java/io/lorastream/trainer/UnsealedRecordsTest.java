package io.lorastream.trainer;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lorastream.contracts.Topics;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Records come before their seal, so a record of an unknown dataset is one whose seal never arrives: after
 * the seal timeout its records are dead-lettered and dropped.
 */
@QuarkusTest
@TestProfile(UnsealedRecordsTest.ShortSealTimeout.class)
class UnsealedRecordsTest {
    public static class ShortSealTimeout implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lorastream.trainer.seal-timeout", "PT3S", "lorastream.trainer.sweep-interval", "PT0.5S");
        }
    }

    @InjectKafkaCompanion
    KafkaCompanion companion;

    @Test
    void recordsWhoseSealNeverComesAreDeadLettered() {
        TestData.Dataset data = TestData.tweetEval("unsealed", 3, 0);
        ConsumerTask<String, String> dlq = companion.consumeStrings().fromTopics(Topics.dlq(Topics.PROMPT_RECORDS));
        companion.produceStrings().fromRecords(TestData.recordMessages(data)).awaitCompletion();

        await().atMost(Duration.ofMinutes(2)).until(() -> ofDataset(dlq, data.id()).size() == 3);
        for (ConsumerRecord<String, String> r : ofDataset(dlq, data.id())) {
            String reason = new String(r.headers().lastHeader(Topics.DLQ_REASON_HEADER).value(), StandardCharsets.UTF_8);
            assertTrue(reason.contains("unknown dataset '" + data.id() + "'"), reason);
            assertTrue(reason.contains("PT3S"), reason);
            String source = new String(r.headers().lastHeader(Topics.DLQ_SOURCE_HEADER).value(), StandardCharsets.UTF_8);
            assertTrue(source.startsWith(Topics.PROMPT_RECORDS + "/0/"), source);
        }
        assertEquals(data.records().stream().map(io.lorastream.contracts.ContractJson::writeString).sorted().toList(),
                ofDataset(dlq, data.id()).stream().map(ConsumerRecord::value).sorted().toList(),
                "the records themselves are dead-lettered");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().get("/datasets/" + data.id()).then().statusCode(404).body("status", equalTo(404)));
        dlq.stop();
    }

    private static List<ConsumerRecord<String, String>> ofDataset(ConsumerTask<String, String> task, String id) {
        return task.getRecords().stream().filter(r -> id.equals(r.key())).toList();
    }
}
