package io.lorastream.hub;

import static io.lorastream.hub.HubTestSupport.TOKEN;
import static io.lorastream.hub.HubTestSupport.USER;
import static io.lorastream.hub.HubTestSupport.assertNoToken;
import static io.lorastream.hub.HubTestSupport.client;
import static io.lorastream.hub.HubTestSupport.config;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.lorastream.contracts.Digests;
import io.lorastream.testing.FakeHubServer;
import io.lorastream.testing.FakeHubServer.Fault;
import io.lorastream.testing.FakeHubServer.RecordedRequest;
import io.lorastream.testing.SharedAssets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Publishing a real PEFT adapter with its model card and pulling it back through {@code hf://}, against the fake
 * Hub: the exact requests, the token's whereabouts, and every failure issue 9 names.
 */
@Timeout(120) // a hung exchange fails the test instead of the build
class AdapterPublishPullTest {
    static final RepoId REPO = new RepoId(USER, "tiny-llama3-sentiment-lora");

    FakeHubServer hub;
    HubClient client;
    AdapterPublisher publisher;
    @TempDir
    Path tmp;

    @BeforeEach
    void start() {
        hub = new FakeHubServer(TOKEN, USER);
        client = client(hub);
        publisher = new AdapterPublisher(client);
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    static Path golden() {
        return SharedAssets.golden("tiny-llama3-a-lora");
    }

    static String card() {
        return ModelCard.render(ModelCardTest.referenceRun());
    }

    @Test
    void publishSendsExactlyTheDocumentedRequests() throws Exception {
        Path adapter = golden();
        byte[] config = Files.readAllBytes(adapter.resolve("adapter_config.json"));
        byte[] weights = Files.readAllBytes(adapter.resolve("adapter_model.safetensors"));
        String card = card();
        PublishResult result;
        try (HubTestSupport.LogCapture logs = new HubTestSupport.LogCapture()) {
            result = publisher.publish(REPO, true, null, adapter, card, "Publish run-42 step 60");
            logs.assertNoToken();
            assertTrue(logs.lines().stream().anyMatch(l -> l.contains("committed 3 file(s) to " + REPO + "@main as "
                    + result.commitOid())), logs.lines().toString());
        }
        String head = hub.head(REPO.id(), "main");
        assertEquals(head, result.commitOid());
        assertTrue(result.repoCreated());
        assertEquals("hf://" + REPO.id() + "@" + head, result.uri().toString());
        assertEquals(Digests.adapterSha256(adapter), result.adapterSha256());
        assertEquals(List.of("adapter_config.json", "adapter_model.safetensors", "README.md"),
                result.files().stream().map(RepoFile::path).toList());

        String sha = Digests.sha256(weights);
        String parent = hub.commits(REPO.id()).get(0);
        List<String> calls = hub.requests().stream().map(r -> r.origin() + " " + r.method() + " " + r.path()).toList();
        assertEquals(List.of(
                "hub POST /api/repos/create",
                "hub GET /api/models/alice/tiny-llama3-sentiment-lora/revision/main?blobs=true",
                "hub POST /api/models/alice/tiny-llama3-sentiment-lora/preupload/main",
                "hub POST /alice/tiny-llama3-sentiment-lora.git/info/lfs/objects/batch",
                "storage PUT /upload/" + sha,
                "storage POST /verify/alice/tiny-llama3-sentiment-lora",
                "hub POST /api/models/alice/tiny-llama3-sentiment-lora/commit/main",
                "hub GET /api/models/alice/tiny-llama3-sentiment-lora/revision/" + head + "?blobs=true"), calls);

        for (RecordedRequest r : hub.requests()) {
            if (r.origin().equals("hub")) {
                assertTrue(r.authorized(), "Bearer token on " + r);
            } else {
                assertFalse(r.hasAuthorization(), "no Hub token to storage: " + r);
            }
            assertFalse(r.bodyText().contains(TOKEN), "token in the body of " + r);
        }

        RecordedRequest create = hub.requests("POST", "/api/repos/create").get(0);
        assertEquals("{\"type\":\"model\",\"name\":\"tiny-llama3-sentiment-lora\",\"organization\":\"alice\",\"private\":true}",
                create.bodyText());

        RecordedRequest batch = hub.requests("POST", ".*/info/lfs/objects/batch").get(0);
        assertEquals("application/vnd.git-lfs+json", batch.header("Accept").orElseThrow());
        assertEquals("application/vnd.git-lfs+json", batch.header("Content-Type").orElseThrow());
        assertEquals("{\"operation\":\"upload\",\"transfers\":[\"basic\",\"multipart\"],\"objects\":[{\"oid\":\"" + sha
                + "\",\"size\":" + weights.length + "}],\"hash_algo\":\"sha256\",\"ref\":{\"name\":\"main\"}}",
                batch.bodyText());
        assertEquals("{\"oid\":\"" + sha + "\",\"size\":" + weights.length + "}",
                hub.requests("POST", "/verify/.*").get(0).bodyText());
        RecordedRequest put = hub.requests("PUT", "/upload/.*").get(0);
        assertArrayEquals(weights, put.body());

        RecordedRequest commit = hub.requests("POST", ".*/commit/main").get(0);
        assertEquals("application/x-ndjson", commit.header("Content-Type").orElseThrow());
        List<JsonNode> lines = commit.ndjson();
        assertEquals(4, lines.size());
        assertEquals("{\"key\":\"header\",\"value\":{\"summary\":\"Publish run-42 step 60\",\"description\":\"adapter sha256 "
                + result.adapterSha256() + "\",\"parentCommit\":\"" + parent + "\"}}", lines.get(0).toString());
        assertEquals("{\"key\":\"file\",\"value\":{\"path\":\"adapter_config.json\",\"content\":\""
                + Base64.getEncoder().encodeToString(config) + "\",\"encoding\":\"base64\"}}", lines.get(1).toString());
        assertEquals("{\"key\":\"lfsFile\",\"value\":{\"path\":\"adapter_model.safetensors\",\"algo\":\"sha256\",\"oid\":\""
                + sha + "\",\"size\":" + weights.length + "}}", lines.get(2).toString());
        assertEquals("file", lines.get(3).path("key").asText());
        assertEquals("README.md", lines.get(3).path("value").path("path").asText());
        assertEquals(card, new String(Base64.getDecoder().decode(lines.get(3).path("value").path("content").asText()),
                StandardCharsets.UTF_8));

        assertArrayEquals(weights, hub.file(REPO.id(), "main", "adapter_model.safetensors").orElseThrow());
        assertTrue(hub.isLfs(REPO.id(), "main", "adapter_model.safetensors"));
        assertArrayEquals(config, hub.file(REPO.id(), "main", "adapter_config.json").orElseThrow());
        assertTrue(hub.isPrivate(REPO.id()));
    }

    @Test
    void pulledAdapterIsTheOneThatWasPublished() throws Exception {
        PublishResult published = publisher.publish(REPO, false, "main", golden(), card(), null);
        AdapterPuller puller = new AdapterPuller(client, tmp.resolve("cache"));
        hub.clearRequests();

        PulledAdapter pulled = puller.pull(published.uri().toString());
        assertFalse(pulled.fromCache());
        assertEquals(published.commitOid(), pulled.commitSha());
        assertEquals(tmp.resolve("cache/models--alice--tiny-llama3-sentiment-lora").resolve(published.commitOid()),
                pulled.folder());
        for (String f : List.of("adapter_config.json", "adapter_model.safetensors")) {
            assertArrayEquals(Files.readAllBytes(golden().resolve(f)), Files.readAllBytes(pulled.folder().resolve(f)));
            assertEquals(Digests.sha256(golden().resolve(f)), pulled.sha256ByFile().get(f));
        }
        assertEquals(published.adapterSha256(), Digests.adapterSha256(pulled.folder()),
                "inference computes the same adapter digest as the publisher reported");
        assertFalse(Files.exists(pulled.folder().resolve("README.md")), "only the adapter is pulled");

        List<String> calls = hub.requests().stream().map(r -> r.origin() + " " + r.method() + " " + r.path().split("\\?")[0])
                .toList();
        String base = "/alice/tiny-llama3-sentiment-lora/resolve/" + published.commitOid() + "/";
        String weightsSha = Digests.sha256(golden().resolve("adapter_model.safetensors"));
        assertEquals(List.of(
                "hub GET /api/models/alice/tiny-llama3-sentiment-lora/revision/" + published.commitOid(),
                "hub GET " + base + "adapter_config.json",
                "hub GET " + base + "adapter_model.safetensors",
                "storage GET /cdn/" + weightsSha), calls);
        assertFalse(hub.requests("GET", "/cdn/.*").get(0).hasAuthorization(), "the token never goes to storage");

        // the same commit again: from the cache, re-verified, nothing downloaded
        hub.clearRequests();
        PulledAdapter again = puller.pull(published.uri());
        assertTrue(again.fromCache());
        assertEquals(pulled.sha256ByFile(), again.sha256ByFile());
        assertEquals(1, hub.requests().size(), "only the revision lookup");

        // @main resolves to the same commit, hence the same cache folder
        PulledAdapter viaBranch = puller.pull("hf://alice/tiny-llama3-sentiment-lora");
        assertEquals("hf://alice/tiny-llama3-sentiment-lora@main", viaBranch.requested().toString());
        assertEquals(published.uri(), viaBranch.resolved());
        assertEquals(pulled.folder(), viaBranch.folder());
    }

    @Test
    void cachedFileThatChangedIsPulledAgain() throws Exception {
        PublishResult published = publisher.publish(REPO, false, null, golden(), null, null);
        AdapterPuller puller = new AdapterPuller(client, tmp.resolve("cache"));
        PulledAdapter first = puller.pull(published.uri());
        Files.write(first.folder().resolve("adapter_model.safetensors"), new byte[] {1, 2, 3});
        PulledAdapter second = puller.pull(published.uri());
        assertFalse(second.fromCache());
        assertArrayEquals(Files.readAllBytes(golden().resolve("adapter_model.safetensors")),
                Files.readAllBytes(second.folder().resolve("adapter_model.safetensors")));
    }

    @Test
    void onlyThePeftFilesOfAFolderArePublished() throws Exception {
        Path adapter = HubTestSupport.writeTinyAdapter(tmp.resolve("checkpoint-20"));
        PublishResult result = publisher.publish(REPO, false, null, adapter, null, null);
        assertEquals(List.of(".gitattributes", "adapter_config.json", "adapter_model.safetensors"),
                client.revision(REPO, result.commitOid()).paths(), "no optimizer state, no card");
        assertTrue(hub.requests("POST", ".*/commit/main").get(0).ndjson().get(0).path("value").path("summary").asText()
                .contains("checkpoint-20"));
        // the folder digest over adapter_* includes nothing else here either
        assertEquals(Digests.adapterSha256(adapter), result.adapterSha256());
    }

    @Test
    void multipartLfsUploadSendsEveryPartAndCompletes() throws Exception {
        hub.multipartChunkSize(10_000);
        byte[] weights = Files.readAllBytes(golden().resolve("adapter_model.safetensors"));
        PublishResult result = publisher.publish(REPO, false, null, golden(), null, null);
        List<RecordedRequest> parts = hub.requests("PUT", "/upload/.*/part/.*");
        assertEquals((weights.length + 9_999) / 10_000, parts.size());
        assertTrue(parts.stream().noneMatch(RecordedRequest::hasAuthorization));
        JsonNode completion = hub.requests("POST", "/upload/.*/complete").get(0).json();
        assertEquals(Digests.sha256(weights), completion.path("oid").asText());
        assertEquals(parts.size(), completion.path("parts").size());
        assertArrayEquals(weights, hub.file(REPO.id(), result.commitOid(), "adapter_model.safetensors").orElseThrow());
    }

    @Test
    void wrongTokenFailsClearlyAndPublishesNothing() {
        AdapterPublisher wrong = new AdapterPublisher(new HubClient(config(hub, "hf_not" + TOKEN.substring(6))));
        try (HubTestSupport.LogCapture logs = new HubTestSupport.LogCapture()) {
            HubException e = assertThrows(HubException.class, () -> wrong.publish(REPO, false, null, golden(), card(), null));
            assertEquals(HubException.Kind.UNAUTHORIZED, e.kind());
            assertTrue(e.getMessage().startsWith("UNAUTHORIZED: the token was refused"), e.getMessage());
            assertNoToken(e);
            assertFalse(e.getMessage().contains("hf_not"), e.getMessage());
            logs.assertNoToken();
        }
        assertFalse(hub.hasRepo(REPO.id()));
        assertEquals(1, hub.requests().size(), "stopped at the first 401");
    }

    @Test
    void missingRepositoryIsNotFoundOnPull() {
        AdapterPuller puller = new AdapterPuller(client, tmp.resolve("cache"));
        HubException e = assertThrows(HubException.class, () -> puller.pull("hf://alice/no-such-adapter@main"));
        assertEquals(HubException.Kind.NOT_FOUND, e.kind());
        assertTrue(e.getMessage().contains("alice/no-such-adapter@main"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("cache/models--alice--no-such-adapter")));

        HubException commit = assertThrows(HubException.class, () -> client.commit(new RepoId(USER, "no-such-adapter"),
                "main", List.of(UploadFile.of("README.md", "x")), "x", ""));
        assertEquals(HubException.Kind.NOT_FOUND, commit.kind());
    }

    @Test
    void repositoryWithoutAdapterIsNoAdapter() {
        hub.createRepo("alice/just-a-card", false);
        hub.commitFiles("alice/just-a-card", "main", Map.of("README.md", "# nothing here\n".getBytes(StandardCharsets.UTF_8),
                "adapter_model.bin", new byte[16]));
        AdapterPuller puller = new AdapterPuller(client, tmp.resolve("cache"));
        HubException e = assertThrows(HubException.class, () -> puller.pull("hf://alice/just-a-card"));
        assertEquals(HubException.Kind.NO_ADAPTER, e.kind());
        assertTrue(e.getMessage().contains("adapter_config.json not found"), e.getMessage());
        assertTrue(e.getMessage().contains("files: .gitattributes, README.md, adapter_model.bin"), e.getMessage());

        hub.commitFiles("alice/just-a-card", "main", Map.of("adapter_config.json", "{\"r\": 8}".getBytes(StandardCharsets.UTF_8)));
        HubException bin = assertThrows(HubException.class, () -> puller.pull("hf://alice/just-a-card"));
        assertEquals(HubException.Kind.NO_ADAPTER, bin.kind());
        assertTrue(bin.getMessage().contains("only adapter_model.bin is there"), bin.getMessage());

        hub.commitFiles("alice/just-a-card", "main", Map.of("adapter_model.safetensors", new byte[24]));
        HubException notPeft = assertThrows(HubException.class, () -> puller.pull("hf://alice/just-a-card"));
        assertEquals(HubException.Kind.NO_ADAPTER, notPeft.kind());
        assertTrue(notPeft.getMessage().contains("has no peft_type"), notPeft.getMessage());

        HubException local = assertThrows(HubException.class,
                () -> publisher.publish(REPO, false, null, tmp, card(), null));
        assertEquals(HubException.Kind.NO_ADAPTER, local.kind());
        assertTrue(local.getMessage().contains("missing adapter_config.json and adapter_model.safetensors"));
        assertFalse(hub.hasRepo(REPO.id()), "checked before anything is sent");
    }

    @Test
    void adapterInASubfolderIsPulledFromThere() throws Exception {
        hub.createRepo("alice/many", false);
        byte[] config = Files.readAllBytes(golden().resolve("adapter_config.json"));
        byte[] weights = Files.readAllBytes(golden().resolve("adapter_model.safetensors"));
        String head = hub.commitFiles("alice/many", "main", Map.of("runs/r1/adapter_config.json", config,
                "runs/r1/adapter_model.safetensors", weights));
        PulledAdapter pulled = new AdapterPuller(client, tmp.resolve("cache")).pull("hf://alice/many/runs/r1");
        assertEquals(tmp.resolve("cache/models--alice--many/" + head + "/runs/r1"), pulled.folder());
        assertArrayEquals(weights, Files.readAllBytes(pulled.folder().resolve("adapter_model.safetensors")));
    }

    @Test
    void corruptedWeightsAreRejectedOnPull() {
        PublishResult published = publisher.publish(REPO, false, null, golden(), null, null);
        hub.corruptLfsObject(published.files().get(1).lfsSha256());
        AdapterPuller puller = new AdapterPuller(client, tmp.resolve("cache"));
        HubException e = assertThrows(HubException.class, () -> puller.pull(published.uri()));
        assertEquals(HubException.Kind.INTEGRITY, e.kind());
        Path folder = tmp.resolve("cache/models--alice--tiny-llama3-sentiment-lora").resolve(published.commitOid());
        assertFalse(Files.exists(folder.resolve("adapter_model.safetensors")));
        assertFalse(Files.exists(folder.resolve(AdapterPuller.MANIFEST)), "nothing is taken as pulled");
    }

    @Test
    void connectionDroppedMidUploadIsRetriedAndPublishesOnce() throws Exception {
        hub.failNext("PUT", "/upload/.*", Fault.DROP_CONNECTION, 1);
        hub.failNext("POST", ".*/commit/main", Fault.DROP_CONNECTION, 1);
        PublishResult result = publisher.publish(REPO, false, null, golden(), card(), null);
        assertEquals(2, hub.requests("PUT", "/upload/.*").size());
        List<RecordedRequest> commits = hub.requests("POST", ".*/commit/main");
        assertEquals(2, commits.size());
        assertEquals(Fault.DROP_CONNECTION, commits.get(0).fault());
        assertEquals(2, hub.commits(REPO.id()).size(), "the initial commit and exactly one publish");
        assertEquals(hub.head(REPO.id(), "main"), result.commitOid());
        assertArrayEquals(Files.readAllBytes(golden().resolve("adapter_model.safetensors")),
                hub.file(REPO.id(), "main", "adapter_model.safetensors").orElseThrow());
    }

    @Test
    void commitWhoseAnswerWasLostIsRecognisedNotRepeated() {
        hub.failNext("POST", ".*/commit/main", Fault.DROP_AFTER_APPLY, 1);
        PublishResult result = publisher.publish(REPO, false, null, golden(), card(), null);
        assertEquals(1, hub.requests("POST", ".*/commit/main").size(), "not committed twice");
        assertEquals(2, hub.commits(REPO.id()).size());
        assertEquals(hub.head(REPO.id(), "main"), result.commitOid());
    }

    @Test
    void serverErrorOnCommitIsRetried() {
        hub.failNext("POST", ".*/commit/main", Fault.SERVER_ERROR, 1);
        PublishResult result = publisher.publish(REPO, false, null, golden(), null, null);
        assertEquals(2, hub.requests("POST", ".*/commit/main").size());
        assertEquals(hub.head(REPO.id(), "main"), result.commitOid());
    }

    @Test
    void networkThatStaysDownFailsClearlyAndNothingIsPublished() {
        hub.failNext("POST", ".*/commit/main", Fault.DROP_CONNECTION, 100);
        String before;
        try (HubTestSupport.LogCapture logs = new HubTestSupport.LogCapture()) {
            HubException e = assertThrows(HubException.class, () -> publisher.publish(REPO, false, null, golden(), card(), null));
            assertEquals(HubException.Kind.NETWORK, e.kind());
            assertTrue(e.getMessage().contains("commit of 3 file(s) to alice/tiny-llama3-sentiment-lora@main failed after "
                    + "3 attempt(s)"), e.getMessage());
            assertTrue(e.getMessage().endsWith("nothing was published"), e.getMessage());
            assertNoToken(e);
            logs.assertNoToken();
        }
        before = hub.commits(REPO.id()).get(0);
        assertEquals(List.of(before), hub.commits(REPO.id()), "only the repository's initial commit");
        assertTrue(hub.file(REPO.id(), "main", "adapter_config.json").isEmpty());
    }

    @Test
    void branchMovedByAnotherWriterIsAConflictAndNothingOfOursLands() {
        client.createRepo(REPO, false);
        hub.failNext("POST", ".*/commit/main", Fault.CONCURRENT_COMMIT, 1);
        HubException e = assertThrows(HubException.class, () -> publisher.publish(REPO, false, null, golden(), card(), null));
        assertEquals(HubException.Kind.CONFLICT, e.kind());
        assertEquals(412, e.status());
        assertTrue(e.getMessage().contains("the repository changed meanwhile"), e.getMessage());
        assertEquals(List.of(".gitattributes", "CONCURRENT.md"), client.revision(REPO, "main").paths());
    }
}
