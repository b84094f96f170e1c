package io.lorastream.ingest.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lorastream.contracts.ContractJson;
import io.lorastream.contracts.DatasetSealed;
import io.lorastream.contracts.Digests;
import io.lorastream.contracts.PromptRecord;
import io.lorastream.contracts.Split;
import io.lorastream.contracts.Topics;
import io.lorastream.ingest.Ingests;
import io.lorastream.ingest.TopicContents;
import io.lorastream.testing.SharedAssets;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** POST /datasets on the shared TweetEval directory, through the real broker and PostgreSQL. */
@QuarkusTest
class DatasetResourceTest {
    private static final String DIR = SharedAssets.tweetEvalSentiment().toString();

    @InjectKafkaCompanion
    KafkaCompanion companion;

    private static Map<String, Object> dirRequest(Map<String, Object> sampling) {
        return Map.of("source", Map.of("dir", DIR), "sampling", sampling);
    }

    private List<PromptRecord> records(String datasetId) {
        return TopicContents.withKey(companion, Topics.PROMPT_RECORDS, datasetId).stream()
                .map(r -> ContractJson.read(r.value(), PromptRecord.class)).toList();
    }

    @Test
    void ingestsTheSharedDirectoryThenReingestingPublishesNothingNew() {
        Map<String, Object> request = dirRequest(Map.of("trainSize", 100, "validationSize", 20, "stratified", true, "seed", 7));
        String id = Ingests.start(request);
        JsonPath report = Ingests.awaitSealed(id);

        assertEquals(45_615, report.getLong("rowsRead.train"));
        assertEquals(2_000, report.getLong("rowsRead.validation"));
        assertEquals(45_586, report.getLong("available.train.negative") + report.getLong("available.train.neutral")
                + report.getLong("available.train.positive"));
        assertEquals(29, report.getLong("rejected"));
        assertEquals(Map.of("DUPLICATE_TEXT", 29), report.getMap("rejectsByReason"));
        List<Map<String, Object>> rejects = report.getList("rejects");
        assertEquals(29, rejects.size());
        assertEquals("train", rejects.get(0).get("split"));
        assertTrue(((String) rejects.get(0).get("detail")).startsWith("same text as line "));
        assertEquals(120, report.getLong("recordCount"));
        // stratified: 100 of train's 15.55% / 45.33% / 39.12%
        assertEquals(Map.of("negative", 16, "neutral", 45, "positive", 39), report.getMap("counts.train"));
        assertEquals(100.0, report.getDouble("progress.percent"));
        assertEquals("SEALED", report.getString("progress.phase"));
        assertEquals(120, report.getLong("progress.recordsPublished"));
        assertEquals(47_615, report.getLong("progress.rowsRead"));
        assertEquals("dir", report.getString("source.kind"));
        assertEquals(List.of("train", "validation"), report.getList("parameters.splits"));

        List<PromptRecord> published = records(id);
        assertEquals(120, published.size());
        assertEquals(report.getString("sha256"), Digests.datasetSha256(published));
        assertEquals(100, published.stream().filter(r -> r.split() == Split.TRAIN).count());
        assertEquals(List.of(0, 1, 2), published.subList(0, 3).stream().map(PromptRecord::index).toList());

        List<DatasetSealed> seals = TopicContents.withKey(companion, Topics.DATASETS, id).stream()
                .map(r -> ContractJson.read(r.value(), DatasetSealed.class)).toList();
        assertEquals(1, seals.size());
        assertEquals(120, seals.get(0).recordCount());
        assertEquals(report.getString("sha256"), seals.get(0).sha256());
        assertEquals(100, seals.get(0).count(Split.TRAIN));
        assertEquals("dir:" + DIR, seals.get(0).source());

        // the same source and parameters again: the sealed dataset comes back, nothing is published
        given().contentType(ContentType.JSON).body(request)
                .when().post("/datasets")
                .then().statusCode(200)
                .header("Location", containsString("/datasets/" + id))
                .body("id", equalTo(id)).body("status", equalTo("SEALED")).body("attempts", equalTo(1));
        assertEquals(120, records(id).size());
        assertEquals(1, TopicContents.withKey(companion, Topics.DATASETS, id).size());

        // another seed is another dataset
        String other = Ingests.start(dirRequest(Map.of("trainSize", 100, "validationSize", 20, "stratified", true, "seed", 8)));
        assertNotEquals(id, other);
        Ingests.awaitSealed(other);

        given().get("/datasets").then().statusCode(200).body("id", hasItem(id)).body("id", hasItem(other));
        given().get("/datasets?status=sealed&limit=1").then().statusCode(200).body("size()", equalTo(1));
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("lorastream_ingest_records_published_total"))
                .body(containsString("lorastream_ingest_rows_rejected_total{reason=\"DUPLICATE_TEXT\"}"))
                .body(containsString("lorastream_ingest_datasets_total{outcome=\"reused\"}"));
    }

    @Test
    void everythingTakesEveryValidExampleInFileOrder() throws Exception {
        String id = Ingests.start(Map.of("source", Map.of("dir", DIR), "splits", List.of("validation"),
                "sampling", Map.of("all", true)));
        JsonPath report = Ingests.awaitSealed(id);
        assertEquals(2_000, report.getLong("recordCount"));
        assertEquals(Map.of("negative", 312, "neutral", 869, "positive", 819), report.getMap("counts.validation"));
        List<PromptRecord> published = records(id);
        List<String> lines = Files.readAllLines(SharedAssets.tweetEvalSentiment().resolve("val_text.txt"));
        for (int i : new int[] {0, 1, 999, 1999}) {
            assertEquals(i, published.get(i).index());
            assertEquals(lines.get(i).strip(), published.get(i).input());
        }
    }

    @Test
    void malformedRequestsGetProblemBodiesAndTheServiceCarriesOn(@TempDir Path emptyDir) throws Exception {
        Files.writeString(emptyDir.resolve("train_text.txt"), "only text\n");
        List<Object> bad = List.of(
                Map.of("source", Map.of("dir", DIR, "url", "http://127.0.0.1/")),
                Map.of("source", Map.of("dir", "relative/path")),
                Map.of("source", Map.of("dir", "/no/such/dir")),
                Map.of("source", Map.of("dir", emptyDir.toString())),
                Map.of("source", Map.of("url", "ftp://example.org/data/")),
                Map.of("source", Map.of("url", "not a url")),
                Map.of("source", Map.of("dir", DIR), "splits", List.of("holdout")),
                Map.of("source", Map.of("dir", DIR), "sampling", Map.of("trainSize", -5)),
                Map.of("source", Map.of("dir", DIR), "sampling", Map.of("trainSize", "many")),
                Map.of("source", Map.of("directory", DIR)),
                "{\"source\": {\"dir\": ");
        for (Object body : bad) {
            given().contentType(ContentType.JSON).body(body)
                    .when().post("/datasets")
                    .then().log().ifValidationFails().statusCode(400)
                    .contentType(containsString("application/problem+json"))
                    .body("status", equalTo(400))
                    .body("type", containsString("urn:lorastream:problem:"))
                    .body("title", org.hamcrest.Matchers.notNullValue())
                    .body("detail", org.hamcrest.Matchers.not(org.hamcrest.Matchers.emptyOrNullString()));
        }
        given().contentType(ContentType.JSON).body(Map.of("source", Map.of("dir", emptyDir.toString())))
                .post("/datasets").then().statusCode(400)
                .body("detail", containsString("lacks train_labels.txt, val_text.txt, val_labels.txt"));
        given().contentType(ContentType.JSON).body(Map.of("source", Map.of("dir", DIR), "splits", List.of("holdout"),
                        "sampling", Map.of("validationSize", -1)))
                .post("/datasets").then().statusCode(400).body("errors.size()", equalTo(2));
        given().get("/datasets/ds-nope").then().statusCode(404)
                .contentType(containsString("application/problem+json")).body("title", equalTo("Dataset not found"));
        given().get("/datasets?status=lost").then().statusCode(400);
        given().contentType(ContentType.TEXT).body("dir=/x").post("/datasets").then().statusCode(415)
                .contentType(containsString("application/problem+json"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }
}
