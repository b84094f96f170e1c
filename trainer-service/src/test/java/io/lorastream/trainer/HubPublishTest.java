package io.lorastream.trainer;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.lorastream.contracts.ContractJson;
import io.lorastream.contracts.Digests;
import io.lorastream.testing.FakeHubServer;
import io.lorastream.trainer.domain.Checkpoint;
import io.lorastream.trainer.domain.ConfusionMatrix;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.restassured.path.json.JsonPath;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /runs/{id}/publish} against {@link FakeHubServer}: a stories260K run trained through the real
 * broker and PostgreSQL is published with its model card; the exact commit, the answer and the checkpoint's
 * record are checked, and so are the failures.
 */
@QuarkusTest
@TestProfile(HubPublishTest.WithFakeHub.class)
class HubPublishTest {
    static final String TOKEN = "hf_publish_secret_token";
    static final FakeHubServer HUB = new FakeHubServer(TOKEN, "alice");

    public static class WithFakeHub implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lorastream.trainer.hub.endpoint", HUB.url(),
                    "lorastream.trainer.hub.token", TOKEN,
                    "lorastream.trainer.hub.attempts", "2");
        }
    }

    /** A completed run with checkpoints at steps 2 and 4, trained once for all tests of the class. */
    private static String runId;

    @InjectKafkaCompanion
    KafkaCompanion companion;

    private synchronized String finishedRun() {
        if (runId == null) {
            TestData.Dataset data = TestData.tweetEval("publish", 8, 6);
            companion.produceStrings().fromRecords(TestData.recordMessages(data)).awaitCompletion();
            companion.produceStrings().fromRecords(TestData.sealMessage(data)).awaitCompletion();
            await().atMost(Duration.ofMinutes(2)).untilAsserted(() ->
                    given().get("/datasets/" + data.id()).then().statusCode(200).body("status", equalTo("COMPLETE")));
            String id = given().contentType("application/json")
                    .body(ContractJson.writeString(TestData.request(data.id(), TestData.steps(4, 2))))
                    .post("/runs").then().statusCode(202).extract().path("id");
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                    given().get("/runs/" + id).then().body("status", equalTo("COMPLETED")));
            runId = id;
        }
        return runId;
    }

    @Test
    void publishesTheFinalCheckpointWithItsModelCard() throws Exception {
        String run = finishedRun();
        String repo = "alice/stories260k-tweet-sentiment";
        JsonPath answer = given().contentType("application/json")
                .body("{\"repo\": \"" + repo + "\", \"private\": true, \"commitMessage\": \"lorastream test publish\"}")
                .post("/runs/" + run + "/publish").then().statusCode(200).extract().jsonPath();

        Checkpoint last = QuarkusTransaction.requiringNew().call(() -> Checkpoint.finalOf(run));
        String oid = answer.getString("commitOid");
        assertEquals(HUB.head(repo, "main"), oid, "the answer names the branch head");
        assertEquals("hf://" + repo + "@" + oid, answer.getString("uri"));
        assertEquals(last.adapterSha256, answer.getString("adapterSha256"), "the digest inference will compute");
        assertEquals(4, answer.getInt("step"));
        assertEquals(last.version, answer.getInt("version"));
        assertTrue(answer.getBoolean("repoCreated"));
        assertTrue(answer.getBoolean("private"));
        assertTrue(HUB.isPrivate(repo));

        // exactly one commit with exactly the PEFT files and the card; the trainer state stays local
        List<FakeHubServer.RecordedRequest> commits = HUB.requests("POST", "/api/models/" + repo + "/commit/main");
        assertEquals(1, commits.size());
        List<JsonNode> lines = commits.get(0).ndjson();
        assertEquals("lorastream test publish", lines.get(0).path("value").path("summary").asText());
        Set<String> paths = lines.stream().skip(1).map(l -> l.path("value").path("path").asText())
                .collect(Collectors.toSet());
        assertEquals(Set.of("adapter_config.json", "adapter_model.safetensors", "README.md"), paths);
        Path folder = Path.of("target/test-artifacts").resolve(last.adapterId).resolve(Integer.toString(last.version));
        for (String file : List.of("adapter_config.json", "adapter_model.safetensors")) {
            assertArrayEquals(Files.readAllBytes(folder.resolve(file)), HUB.file(repo, oid, file).orElseThrow(), file);
        }
        assertTrue(HUB.isLfs(repo, oid, "adapter_model.safetensors"));
        assertTrue(HUB.requests().stream().filter(r -> r.origin().equals("storage"))
                .noneMatch(FakeHubServer.RecordedRequest::hasAuthorization), "the token never goes to storage");
        assertTrue(HUB.requests().stream().filter(r -> r.origin().equals("hub")).allMatch(r -> r.authorized()));

        // the card: front matter, results of this checkpoint, the loss curve of the run's step rows
        String card = new String(HUB.file(repo, oid, "README.md").orElseThrow(), StandardCharsets.UTF_8);
        assertTrue(card.startsWith("---\n"), card);
        String frontMatter = card.substring(4, card.indexOf("\n---\n", 4));
        assertTrue(frontMatter.contains("library_name: peft"), frontMatter);
        assertTrue(frontMatter.contains("datasets:\n- tweet_eval"), frontMatter);
        // stories260K is no Llama 3.1 and a local folder, not a Hub id: no base_model, license other, no attribution
        assertTrue(frontMatter.contains("license: other"), frontMatter);
        assertFalse(frontMatter.contains("base_model:"), frontMatter);
        assertFalse(card.contains("Built with Llama"), card);
        assertTrue(card.contains(run), "names the run");
        for (int step = 1; step <= 4; step++) {
            assertTrue(card.contains("\n| " + step + " | "), "loss curve row of step " + step + ":\n" + card);
        }
        assertTrue(card.contains(String.format(java.util.Locale.ROOT, "%.4f", last.accuracy)), card);
        assertTrue(card.contains("| true \\ predicted |"), "the confusion matrix:\n" + card);
        ConfusionMatrix confusion = ConfusionMatrix.fromJson(last.confusionMatrix);
        assertEquals(6, confusion.matrix().stream().flatMap(List::stream).mapToLong(Long::longValue).sum(),
                "every validation record is counted once");
        for (int i = 0; i < confusion.labels().size(); i++) {
            String row = "| " + confusion.labels().get(i) + " |" + confusion.matrix().get(i).stream()
                    .map(n -> " " + n + " |").collect(Collectors.joining());
            assertTrue(card.contains(row), row + " in\n" + card);
        }

        // the record on the checkpoint, in the database and over REST
        assertEquals(Checkpoint.HubStatus.PUBLISHED, last.hubStatus);
        assertEquals(oid, last.hubCommit);
        assertEquals("hf://" + repo + "@" + oid, last.hubUri);
        assertEquals(last.adapterSha256, last.hubAdapterSha256);
        assertEquals(repo, last.hubRepo);
        assertNotNull(last.hubPublishedAt);
        assertNull(last.hubError);
        given().get("/runs/" + run).then().statusCode(200)
                .body("checkpoints[1].hub.status", equalTo("PUBLISHED"))
                .body("checkpoints[1].hub.uri", equalTo("hf://" + repo + "@" + oid))
                .body("checkpoints[1].confusionMatrix.labels[0]", equalTo(confusion.labels().get(0)));
        assertEquals(Digests.adapterSha256(folder), last.hubAdapterSha256);
    }

    @Test
    void aRefusedTokenIsA502ThatIsRecordedAndPublishesNothing() {
        String run = finishedRun();
        String repo = "alice/never-published";
        // the Hub answers as it does for a wrong token (401) to the first call of the publication
        HUB.failNext("POST", "/api/repos/create", FakeHubServer.Fault.UNAUTHORIZED, 1);
        given().contentType("application/json").body("{\"repo\": \"" + repo + "\", \"step\": 2}")
                .post("/runs/" + run + "/publish").then().statusCode(502)
                .contentType(containsString("application/problem+json"))
                .body("status", equalTo(502))
                .body("kind", equalTo("UNAUTHORIZED"))
                .body("detail", containsString("token was refused"))
                .body("detail", not(containsString(TOKEN)));

        assertFalse(HUB.hasRepo(repo));
        assertTrue(HUB.requests("POST", "/api/models/" + repo + "/commit/.*").isEmpty(), "no commit was tried");
        Checkpoint first = QuarkusTransaction.requiringNew().call(() -> Checkpoint.ofRunAtStep(run, 2));
        assertEquals(Checkpoint.HubStatus.FAILED, first.hubStatus);
        assertEquals("UNAUTHORIZED", first.hubErrorKind);
        assertTrue(first.hubError.contains("token was refused"), first.hubError);
        assertNull(first.hubUri, "nothing half-published is recorded as published");
        assertNull(first.hubCommit);
        given().get("/runs/" + run).then().body("checkpoints[0].hub.status", equalTo("FAILED"))
                .body("checkpoints[0].hub.errorKind", equalTo("UNAUTHORIZED"));
    }

    @Test
    void badRequestsAndMissingRunsAreProblems() {
        given().contentType("application/json").body("{\"repo\": \"alice/x\"}")
                .post("/runs/run-does-not-exist/publish").then().statusCode(404)
                .contentType(containsString("application/problem+json"))
                .body("detail", containsString("run-does-not-exist"));
        String run = finishedRun();
        given().contentType("application/json").body("{\"repo\": \"not a repo\"}")
                .post("/runs/" + run + "/publish").then().statusCode(400)
                .body("kind", equalTo("INVALID_ARGUMENT"));
        given().contentType("application/json").body("{\"repo\": \"alice/x\", \"version\": 1, \"step\": 2}")
                .post("/runs/" + run + "/publish").then().statusCode(400);
        given().contentType("application/json").body("{\"repo\": \"alice/x\", \"step\": 3}")
                .post("/runs/" + run + "/publish").then().statusCode(404)
                .body("detail", containsString("no checkpoint at step 3"));
        assertFalse(HUB.hasRepo("alice/x"));
    }
}
