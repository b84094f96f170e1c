package io.lorastream.ingest.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lorastream.contracts.ContractJson;
import io.lorastream.contracts.PromptRecord;
import io.lorastream.contracts.Topics;
import io.lorastream.ingest.Ingests;
import io.lorastream.ingest.LocalFileServer;
import io.lorastream.ingest.TopicContents;
import io.lorastream.testing.SharedAssets;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The URL source, against a local HTTP server serving ../shared's TweetEval files (never the internet). */
@QuarkusTest
class UrlSourceTest {
    private static LocalFileServer server;

    @InjectKafkaCompanion
    KafkaCompanion companion;

    @BeforeAll
    static void startServer() throws Exception {
        server = LocalFileServer.serving(SharedAssets.tweetEvalSentiment());
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private static Map<String, Object> request(Map<String, Object> source) {
        return Map.of("source", source, "sampling", Map.of("trainSize", 50, "validationSize", 10, "seed", 11));
    }

    /** What a record says, without its datasetId (which names the source). */
    private List<String> contents(String datasetId) {
        return TopicContents.withKey(companion, Topics.PROMPT_RECORDS, datasetId).stream()
                .map(r -> ContractJson.read(r.value(), PromptRecord.class))
                .map(r -> r.split() + "/" + r.index() + "/" + r.label() + "/" + r.input()).toList();
    }

    @Test
    void aBaseUrlGivesTheSameRecordsAsTheSameFilesOnDisk() {
        String viaUrl = Ingests.start(request(Map.of("url", server.base("files").toString())));
        JsonPath report = Ingests.awaitSealed(viaUrl);
        assertEquals("url", report.getString("source.kind"));
        assertEquals(server.base("files").toString(), report.getString("source.location"));
        assertEquals(45_615, report.getLong("rowsRead.train"));
        assertEquals(29, report.getLong("rejected"));
        assertTrue(report.getLong("progress.bytesTotal") > 5_000_000, "sizes come from HEAD requests");

        String viaDir = Ingests.start(request(Map.of("dir", SharedAssets.tweetEvalSentiment().toString())));
        Ingests.awaitSealed(viaDir);
        List<String> fromUrl = contents(viaUrl);
        assertEquals(60, fromUrl.size());
        assertEquals(contents(viaDir), fromUrl);
    }

    @Test
    void unreachableMissingBrokenOrTruncatedSourcesFailWithTheReasonAndTheServiceCarriesOn() {
        JsonPath missing = Ingests.awaitFinished(Ingests.start(request(Map.of("url", server.base("nothing-here").toString()))));
        assertEquals("FAILED", missing.getString("status"));
        assertTrue(missing.getString("error").contains("missing file train_text.txt"), missing.getString("error"));

        JsonPath broken = Ingests.awaitFinished(Ingests.start(request(Map.of("url", server.base("broken").toString()))));
        assertEquals("FAILED", broken.getString("status"));
        assertTrue(broken.getString("error").contains("answered HTTP 500"), broken.getString("error"));

        JsonPath truncated = Ingests.awaitFinished(Ingests.start(request(Map.of("url", server.base("truncated").toString()))));
        assertEquals("FAILED", truncated.getString("status"), "a body cut short is an error, not a short file");
        assertTrue(!truncated.getString("error").isBlank());

        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void noSourceMeansTheConfiguredDefaultUrlAndAFailedDatasetCanBeRetried() {
        Map<String, Object> body = Map.of("sampling", Map.of("trainSize", 5));
        String id = Ingests.start(body);
        JsonPath failed = Ingests.awaitFinished(id);
        assertEquals("FAILED", failed.getString("status"));
        // tests point the default at a closed local port; production's is upstream TweetEval
        assertEquals("http://127.0.0.1:9/tweeteval/", failed.getString("source.location"));
        assertTrue(failed.getString("error").contains("cannot fetch http://127.0.0.1:9/tweeteval/mapping.txt"),
                failed.getString("error"));

        given().contentType(ContentType.JSON).body(body).post("/datasets")
                .then().statusCode(202).body("id", equalTo(id)).body("attempts", equalTo(2));
        assertEquals("FAILED", Ingests.awaitFinished(id).getString("status"));
    }
}
