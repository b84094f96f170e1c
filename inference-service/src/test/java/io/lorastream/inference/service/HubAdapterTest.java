package io.lorastream.inference.service;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lorastream.contracts.CheckpointEvent;
import io.lorastream.contracts.CheckpointMetrics;
import io.lorastream.contracts.Digests;
import io.lorastream.hub.AdapterPublisher;
import io.lorastream.hub.HubClient;
import io.lorastream.hub.HubConfig;
import io.lorastream.hub.PublishResult;
import io.lorastream.hub.RepoId;
import io.lorastream.inference.rest.Problem;
import io.lorastream.inference.support.Api;
import io.lorastream.inference.support.FakeHubResource;
import io.lorastream.inference.support.TestAdapters;
import io.lorastream.inference.support.TestKafka;
import io.lorastream.testing.FakeHubServer;
import io.lorastream.testing.FakeHubServer.RecordedRequest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code hf://owner/repo[@revision]} adapters, pulled from lorastream-testing's fake Hub where they were published
 * with lorastream-hub's {@link AdapterPublisher} (private repositories: the pull needs the configured token), then
 * verified and loaded like local adapters; by POST /adapters and by checkpoint events.
 */
@QuarkusTest
class HubAdapterTest {
    private static final List<String> TWEETS = List.of("what a great day at the beach", "this is the worst update ever");
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @ConfigProperty(name = "lorastream.inference.adapters.hub-endpoint")
    String hubEndpoint;

    private AdapterPublisher publisher;
    private HubClient client;

    @BeforeEach
    void ready() {
        Api.awaitReady();
        given().contentType(ContentType.JSON).body(Map.of("policy", "always")).put("/adapters/policy")
                .then().statusCode(200);
        client = new HubClient(HubConfig.defaults().withEndpoint(hubEndpoint).withToken(FakeHubResource.TOKEN)
                .withRetries(2, Duration.ofMillis(1), Duration.ofMillis(4)));
        publisher = new AdapterPublisher(client);
    }

    private PublishResult publish(RepoId repo, Path adapter, String message) {
        return publisher.publish(repo, true, null, adapter, "# " + repo.name() + "\n", message);
    }

    private static io.restassured.response.Response register(Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body).post("/adapters");
    }

    private static FakeHubServer hub() {
        FakeHubServer hub = FakeHubResource.hub();
        assertNotNull(hub, "the fake Hub is reachable from the test");
        return hub;
    }

    @Test
    void pinnedCommitAndBranchAreVerifiedActivatedAndClassify() {
        RepoId repo = new RepoId(FakeHubResource.USER, "sentiment-" + run);
        Path v1 = TestAdapters.create("hub-v1-" + run, 41);
        Path v2 = TestAdapters.create("hub-v2-" + run, 42);
        PublishResult first = publish(repo, v1, "step 10");
        PublishResult second = publish(repo, v2, "step 20"); // main moves on
        assertEquals(TestAdapters.sha256(v1), first.adapterSha256());
        String name = repo.name();

        // pinned to the first commit: the id defaults to the repository's name
        hub().clearRequests();
        register(Map.of("uri", first.uri().toString(), "sha256", first.adapterSha256(),
                "baseModelSha256", TestAdapters.baseModelSha256()))
                .then().statusCode(202)
                .header("Location", endsWith("/adapters/" + name + "/1"))
                .body("ref", equalTo(name + "@1"))
                .body("uri", equalTo("hf://" + repo.id() + "@" + first.commitOid()));
        Map<String, Object> pinned = Api.awaitStatus(name + "@1", "ACTIVE");
        assertEquals(first.adapterSha256(), pinned.get("sha256"));
        assertEquals(first.uri().toString(), pinned.get("resolvedUri"));
        Path folder = Path.of((String) pinned.get("localPath"));
        assertTrue(folder.endsWith(Path.of("hub", "models--" + repo.owner() + "--" + name, first.commitOid())),
                folder.toString());
        assertFalse(Files.exists(folder.resolve("README.md")), "only the adapter files are pulled");

        // exactly: list the commit, then the two files from that commit; the token goes to the Hub only
        List<String> calls = hub().requests().stream()
                .map(r -> r.origin() + " " + r.method() + " " + r.path().replaceAll("\\?.*", "")).toList();
        String base = "/" + repo.id();
        assertEquals(List.of(
                "hub GET /api/models" + base + "/revision/" + first.commitOid(),
                "hub GET " + base + "/resolve/" + first.commitOid() + "/adapter_config.json",
                "hub GET " + base + "/resolve/" + first.commitOid() + "/adapter_model.safetensors",
                "storage GET /cdn/" + Digests.sha256(v1.resolve("adapter_model.safetensors"))), // LFS redirect
                calls);
        for (RecordedRequest r : hub().requests()) {
            assertEquals(r.origin().equals("hub"), r.authorized(), "Bearer token to the Hub only: " + r);
        }

        // no revision: main, which resolved to the second commit
        register(Map.of("uri", "hf://" + repo.id())).then().statusCode(202).body("ref", equalTo(name + "@2"));
        Map<String, Object> branch = Api.awaitStatus(name + "@2", "ACTIVE");
        assertEquals(TestAdapters.sha256(v2), branch.get("sha256"), "no declared digest: the pulled one is recorded");
        assertEquals("hf://" + repo.id() + "@" + second.commitOid(), branch.get("resolvedUri"));

        // both classify, differently (two adapters), and unpinned requests use the active one
        List<Map<String, Number>> p1 = Api.classify(TWEETS, name + "@1");
        List<Map<String, Number>> p2 = Api.classify(TWEETS, name + "@2");
        assertEquals(TWEETS.size(), p1.size());
        assertNotEquals(p1, p2);
        given().contentType(ContentType.JSON).body(Map.of("text", TWEETS.get(0))).post("/classify")
                .then().statusCode(200).body("adapter", equalTo(name + "@2"));

        // main moves again and @2's cached files vanish: reloading @2 pulls the commit it was verified from
        publish(repo, TestAdapters.create("hub-v3-" + run, 44), "step 30");
        deleteRecursively(Path.of((String) branch.get("localPath")));
        for (int v = 3; v <= 5; v++) { // three newer activations unload @2 (K = 3)
            register(Map.of("uri", first.uri().toString())).then().statusCode(202).body("ref", equalTo(name + "@" + v));
            Api.awaitActive(name + "@" + v);
        }
        assertFalse(Api.registry().getList("loaded").contains(name + "@2"));
        Api.activate(name + "@2");
        assertEquals(name + "@2", Api.active());
        assertEquals(second.commitOid(), Path.of((String) Api.adapter(name + "@2").get("localPath")).getFileName().toString());
        List<Map<String, Number>> reloaded = Api.classify(TWEETS, name + "@2");
        for (int i = 0; i < TWEETS.size(); i++) {
            for (var e : p2.get(i).entrySet()) {
                assertEquals(e.getValue().doubleValue(), reloaded.get(i).get(e.getKey()).doubleValue(), 1e-6,
                        "the same adapter after the reload: " + e.getKey());
            }
        }
    }

    private static void deleteRecursively(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertFalse(Files.exists(dir));
    }

    @Test
    void repositoryWithoutAdapterAndMissingRepositoryAreRejectedWithTheHubsReason() {
        String active = Api.active();
        RepoId cardOnly = new RepoId(FakeHubResource.USER, "card-only-" + run);
        client.createRepo(cardOnly, true);
        Path card = TestAdapters.ROOT.resolve("card-only-" + run);
        try {
            Files.createDirectories(card);
            Files.writeString(card.resolve("README.md"), "# no adapter here\n", StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        client.uploadFolder(cardOnly, "main", card, List.of("README.md"), "card only");

        register(Map.of("uri", "hf://" + cardOnly.id())).then().statusCode(202);
        Map<String, Object> noAdapter = Api.awaitStatus(cardOnly.name() + "@1", "REJECTED");
        assertTrue(((String) noAdapter.get("reason")).startsWith("NO_ADAPTER: "), noAdapter.toString());
        assertTrue(((String) noAdapter.get("reason")).contains("adapter_config.json not found"), noAdapter.toString());

        String missing = "missing-" + run;
        register(Map.of("uri", "hf://" + FakeHubResource.USER + "/" + missing + "@main")).then().statusCode(202)
                .body("ref", equalTo(missing + "@1"));
        Map<String, Object> notFound = Api.awaitStatus(missing + "@1", "REJECTED");
        assertTrue(((String) notFound.get("reason")).startsWith("NOT_FOUND: "), notFound.toString());
        for (Map<String, Object> row : List.of(noAdapter, notFound)) {
            assertFalse(row.toString().contains(FakeHubResource.TOKEN), "no token in the registry: " + row);
        }
        assertEquals(active, Api.active(), "a rejected adapter never replaces the active one");
        given().post("/adapters/" + missing + "/1/activate").then().statusCode(409)
                .body("detail", containsString("was rejected: NOT_FOUND"));

        // malformed hf:// URIs never reach the registry
        for (String bad : List.of("hf://" + FakeHubResource.USER, "hf://a/b@", "hf://a--b/c", "hf://a/b@x..y")) {
            register(Map.of("uri", bad)).then().statusCode(400).contentType(Problem.MEDIA_TYPE)
                    .body("title", equalTo("Invalid URI"));
        }
    }

    @Test
    void checkpointEventWithHfUriIsPulledVerifiedAndActivated() {
        RepoId repo = new RepoId(FakeHubResource.USER, "checkpoints-" + run);
        PublishResult published = publish(repo, TestAdapters.create("hub-ckpt-" + run, 43), "final");
        String id = "ckpt-" + run;
        TestKafka.checkpoint(event(id, 1, published.uri().toString(), published.adapterSha256()));
        Api.awaitActive(id + "@1");
        Map<String, Object> row = Api.adapter(id + "@1");
        assertEquals("CHECKPOINT", row.get("source"));
        assertEquals(published.uri().toString(), row.get("resolvedUri"));
        assertEquals(TWEETS.size(), Api.classify(TWEETS, id + "@1").size());

        // the same checks as local adapters: a declared digest the pulled files do not have is rejected
        TestKafka.checkpoint(event(id, 2, "hf://" + repo.id(), "0".repeat(64)));
        Map<String, Object> wrong = Api.awaitStatus(id + "@2", "REJECTED");
        assertTrue(((String) wrong.get("reason")).startsWith("sha256 mismatch"), wrong.toString());
        // and a repository that does not exist is rejected with the Hub's kind
        TestKafka.checkpoint(event(id, 3, "hf://" + FakeHubResource.USER + "/gone-" + run, published.adapterSha256()));
        Map<String, Object> gone = Api.awaitStatus(id + "@3", "REJECTED");
        assertTrue(((String) gone.get("reason")).startsWith("NOT_FOUND: "), gone.toString());
        assertEquals(id + "@1", Api.active());
    }

    private static CheckpointEvent event(String id, int version, String uri, String sha256) {
        return CheckpointEvent.of("run-" + id, id, version, version * 10, false, "stories260K-hf",
                TestAdapters.baseModelSha256(), uri, sha256,
                new CheckpointMetrics(1.0, 1.1, 0.5, 0.5, 0.5, "completion"));
    }
}
