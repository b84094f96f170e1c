package io.lorastream.ingest.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lorastream.contracts.ContractJson;
import io.lorastream.contracts.PromptRecord;
import io.lorastream.contracts.Split;
import io.lorastream.contracts.Topics;
import io.lorastream.ingest.Ingests;
import io.lorastream.ingest.MalformedCorpus;
import io.lorastream.ingest.TopicContents;
import io.lorastream.ingest.service.DatasetStore;
import io.lorastream.testing.SharedAssets;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** POST /datasets/upload: JSONL and CSV bodies, good and malformed, through the broker and the database. */
@QuarkusTest
class UploadTest {
    @InjectKafkaCompanion
    KafkaCompanion companion;

    @Inject
    DatasetStore store;

    private static ValidatableResponse upload(String query, byte[] body) {
        return given().contentType("application/octet-stream").body(body)
                .when().post("/datasets/upload" + (query.isEmpty() ? "" : "?" + query)).then().log().ifValidationFails();
    }

    private static String uploadAccepted(String query, byte[] body) {
        return upload(query, body).statusCode(202).header("Location", containsString("/datasets/ds-"))
                .extract().path("id");
    }

    @Test
    void jsonlWithLabelNamesIdsAndSplitsIsPublishedAndTheSameUploadIsNotPublishedTwice() {
        byte[] body = MalformedCorpus.utf8("""
                {"text": "What a great day at the beach", "label": "positive"}
                {"text": "The bus is late again", "label": 0}
                {"text": "Meeting moved to 3pm", "label": "Neutral"}
                {"text": "Loved the show", "label": "2", "split": "validation"}
                {"text": "Rain all week", "label": "negative", "split": "val"}
                """);
        String id = uploadAccepted("format=jsonl", body);
        JsonPath report = Ingests.awaitSealed(id);
        assertEquals("upload", report.getString("source.kind"));
        assertTrue(report.getString("source.location").startsWith("sha256:"));
        assertEquals(Map.of("negative", 1, "neutral", 1, "positive", 1), report.getMap("counts.train"));
        assertEquals(Map.of("negative", 1, "neutral", 0, "positive", 1), report.getMap("counts.validation"));
        assertEquals(0, report.getLong("rejected"));
        assertTrue(report.getList("warnings", String.class).get(0).contains("1000 examples requested, only 3"));
        assertEquals(5, report.getLong("progress.rowsRead"));
        assertEquals(body.length, report.getLong("progress.bytesRead"));
        assertEquals(100.0, report.getDouble("progress.percent"));

        List<PromptRecord> records = TopicContents.withKey(companion, Topics.PROMPT_RECORDS, id).stream()
                .map(r -> ContractJson.read(r.value(), PromptRecord.class)).toList();
        assertEquals(5, records.size());
        assertEquals(2, records.stream().filter(r -> r.split() == Split.VALIDATION).count());

        upload("format=jsonl", body).statusCode(200).body("id", equalTo(id)).body("status", equalTo("SEALED"));
        assertEquals(5, TopicContents.withKey(companion, Topics.PROMPT_RECORDS, id).size());
        // the same rows with other parameters are another dataset
        String everything = uploadAccepted("format=jsonl&all=true", body);
        Ingests.awaitSealed(everything);
        assertTrue(!everything.equals(id));
    }

    @Test
    void theValidationSplitAsCsvStreamsInWhole() throws Exception {
        Path dir = SharedAssets.tweetEvalSentiment();
        List<String> texts = Files.readAllLines(dir.resolve("val_text.txt"));
        List<String> labels = Files.readAllLines(dir.resolve("val_labels.txt"));
        StringBuilder csv = new StringBuilder("text,label\n");
        for (int i = 0; i < texts.size(); i++) {
            csv.append('"').append(texts.get(i).strip().replace("\"", "\"\"")).append("\",").append(labels.get(i)).append('\n');
        }
        String id = uploadAccepted("format=csv&split=validation&splits=validation&all=true",
                MalformedCorpus.utf8(csv.toString()));
        JsonPath report = Ingests.awaitSealed(id);
        assertEquals(2_000, report.getLong("recordCount"));
        assertEquals(Map.of("negative", 312, "neutral", 869, "positive", 819), report.getMap("counts.validation"));
    }

    @Test
    void malformedUploadsBecomeCountedRejectsWithLineNumbersNeverACrash() {
        StringBuilder csv = new StringBuilder("text,label\n");
        MalformedCorpus.csvQuotingErrors().values().forEach(csv::append);
        byte[] body = MalformedCorpus.concat(MalformedCorpus.utf8(csv.toString()),
                MalformedCorpus.latin1("caf\u00e9 au lait,positive\n"),
                MalformedCorpus.utf8(MalformedCorpus.megabyteLine(1 << 20) + ",neutral\n"),
                MalformedCorpus.utf8("duplicate me,positive\nduplicate me,negative\nno label here,\nbad label,joy\n"));
        String id = uploadAccepted("format=csv&stratified=true", body);
        JsonPath report = Ingests.awaitSealed(id);
        Map<String, Integer> reasons = report.getMap("rejectsByReason");
        assertEquals(Map.of("MALFORMED_ROW", 5, "INVALID_UTF8", 1, "TOO_LONG", 1, "DUPLICATE_TEXT", 1, "UNKNOWN_LABEL", 2),
                reasons);
        assertEquals(7, report.getLong("recordCount"), "six good rows of the quoting corpus + the first duplicate");
        List<Map<String, Object>> rejects = report.getList("rejects");
        assertEquals(10, rejects.size());
        assertEquals(2, ((Number) rejects.get(0).get("line")).intValue(), "the header is line 1");
        assertTrue(rejects.get(0).get("detail").toString().contains("after a closing quote"));

        // the report is the database's: the same rows are stored there
        List<Long> stored = store.rejects(id).stream().map(r -> r.lineNumber).toList();
        assertEquals(rejects.stream().map(r -> ((Number) r.get("line")).longValue()).toList(), stored);
    }

    @Test
    void garbageThatYieldsNoValidRowFailsTheDatasetWithItsRejectsListed() {
        String id = uploadAccepted("format=jsonl", MalformedCorpus.binaryGarbage(200_000));
        JsonPath report = Ingests.awaitFinished(id);
        assertEquals("FAILED", report.getString("status"));
        assertTrue(report.getString("error").startsWith("no valid examples to publish"), report.getString("error"));
        assertTrue(report.getLong("rejected") > 100);
        assertEquals(report.getLong("rejected"), report.getLong("rowsRead.train"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void badUploadRequestsGet400ProblemBodies() {
        byte[] ok = MalformedCorpus.utf8("a,positive\n");
        for (String query : List.of("", "format=xml", "format=csv&trainSize=many", "format=csv&split=holdout",
                "format=csv&splits=train,holdout", "format=csv&stratified=perhaps", "format=csv&testSize=-1")) {
            upload(query, ok).statusCode(400).contentType(containsString("application/problem+json"))
                    .body("status", equalTo(400)).body("title", equalTo("Invalid request"));
        }
        upload("format=csv", new byte[0]).statusCode(400).body("detail", equalTo("the upload holds no rows"));
    }
}
