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

import io.lorastream.contracts.Digests;
import io.lorastream.testing.FakeHubServer;
import io.lorastream.testing.FakeHubServer.Fault;
import io.lorastream.testing.FakeHubServer.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The client's calls one by one against the fake Hub: auth, repositories, listing, errors, retries, downloads. */
@Timeout(120) // a hung exchange fails the test instead of the build
class HubClientTest {
    FakeHubServer hub;
    HubClient client;
    @TempDir
    Path tmp;

    @BeforeEach
    void start() {
        hub = new FakeHubServer(TOKEN, USER, "lorastream-org");
        client = client(hub);
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    @Test
    void whoamiSendsTheBearerTokenAndNamesTheAccount() {
        WhoAmI me = client.whoami();
        assertEquals(USER, me.name());
        assertEquals("user", me.type());
        assertEquals(List.of("lorastream-org"), me.organizations());
        assertEquals("write", me.tokenRole());
        RecordedRequest r = hub.requests().get(0);
        assertEquals("GET /api/whoami-v2", r.method() + " " + r.path());
        assertTrue(r.authorized(), "Authorization: Bearer <token> was sent");
        assertEquals("<redacted>", r.header("Authorization").orElseThrow());
    }

    @Test
    void wrongTokenIsUnauthorizedAndNeverNamed() {
        HubClient wrong = new HubClient(config(hub, "hf_wrong" + TOKEN));
        HubException e = assertThrows(HubException.class, wrong::whoami);
        assertEquals(HubException.Kind.UNAUTHORIZED, e.kind());
        assertEquals(401, e.status());
        assertTrue(e.getMessage().contains("the token was refused"), e.getMessage());
        assertFalse(e.getMessage().contains("hf_wrong"), e.getMessage());
        assertEquals(1, hub.requests().size(), "401 is not retried");

        HubClient anonymous = new HubClient(config(hub, null));
        HubException none = assertThrows(HubException.class, () -> anonymous.createRepo(new RepoId(USER, "x"), false));
        assertEquals(HubException.Kind.UNAUTHORIZED, none.kind());
        assertTrue(none.getMessage().contains("needs a Hub token"), none.getMessage());
    }

    @Test
    void configAndClientNeverPrintTheToken() {
        assertFalse(client.config().toString().contains(TOKEN));
        assertTrue(client.config().toString().contains("token=<redacted>"));
        assertFalse(client.toString().contains(TOKEN));
        assertTrue(new HubClient(config(hub, " ")).config().token().isEmpty(), "a blank token is no token");
    }

    @Test
    void createRepoSendsTheDocumentedBodyAndToleratesAnExistingRepo() {
        RepoId repo = new RepoId(USER, "sentiment-lora");
        assertTrue(client.createRepo(repo, true));
        assertFalse(client.createRepo(repo, true), "409: exists already, fine");
        assertTrue(hub.isPrivate(repo.id()));
        List<RecordedRequest> creates = hub.requests("POST", "/api/repos/create");
        assertEquals(2, creates.size());
        assertEquals("{\"type\":\"model\",\"name\":\"sentiment-lora\",\"organization\":\"alice\",\"private\":true}",
                creates.get(0).bodyText());
        assertEquals("application/json", creates.get(0).header("Content-Type").orElseThrow());

        HubException forbidden = assertThrows(HubException.class,
                () -> client.createRepo(new RepoId("meta-llama", "mine"), false));
        assertEquals(HubException.Kind.UNAUTHORIZED, forbidden.kind());
        assertEquals(403, forbidden.status());
        assertTrue(client.createRepo(new RepoId("lorastream-org", "shared"), false), "an organization of the user");
    }

    @Test
    void revisionListsShaAndFilesWithDigests() {
        String initial = hub.createRepo("alice/listing", false);
        byte[] readme = "# hello\n".getBytes(StandardCharsets.UTF_8);
        String head = hub.commitFiles("alice/listing", "main", Map.of("README.md", readme));
        RepoRevision rev = client.revision(new RepoId(USER, "listing"), "main");
        assertEquals(head, rev.sha());
        assertEquals(List.of(".gitattributes", "README.md"), rev.paths());
        RepoFile f = rev.file("README.md").orElseThrow();
        assertEquals(readme.length, f.size());
        assertEquals(FakeHubServer.gitBlobSha1(readme), f.blobId());
        assertFalse(f.lfs());
        assertEquals(List.of(".gitattributes"), client.revision(new RepoId(USER, "listing"), initial).paths(),
                "a commit sha is a revision too");
        assertEquals("/api/models/alice/listing/revision/main?blobs=true", hub.requests().get(0).path());
    }

    @Test
    void missingRepositoryRevisionAndFileAreNotFound() {
        hub.createRepo("alice/present", false);
        HubException repo = assertThrows(HubException.class, () -> client.revision(new RepoId(USER, "absent"), "main"));
        assertEquals(HubException.Kind.NOT_FOUND, repo.kind());
        assertTrue(repo.getMessage().contains("RepoNotFound"), repo.getMessage());
        assertTrue(repo.getMessage().contains("the token cannot read it"), repo.getMessage());

        HubException rev = assertThrows(HubException.class, () -> client.revision(new RepoId(USER, "present"), "v9"));
        assertEquals(HubException.Kind.NOT_FOUND, rev.kind());
        assertTrue(rev.getMessage().contains("the revision does not exist"), rev.getMessage());

        HubException file = assertThrows(HubException.class, () -> client.download(new RepoId(USER, "present"), "main",
                "nothing.json", tmp.resolve("nothing.json")));
        assertEquals(HubException.Kind.NOT_FOUND, file.kind());
        assertTrue(file.getMessage().contains("EntryNotFound"), file.getMessage());
        assertFalse(Files.exists(tmp.resolve("nothing.json.part")));
    }

    @Test
    void privateRepositoryIsInvisibleWithoutToken() {
        hub.createRepo("alice/secret", true);
        HubClient anonymous = new HubClient(config(hub, null));
        HubException e = assertThrows(HubException.class, () -> anonymous.revision(new RepoId(USER, "secret"), "main"));
        assertEquals(HubException.Kind.NOT_FOUND, e.kind());
        assertEquals(401, e.status());
        assertTrue(e.getMessage().contains("no token was given"), e.getMessage());
        assertFalse(hub.requests().get(0).hasAuthorization());
        assertEquals(".gitattributes", client.revision(new RepoId(USER, "secret"), "main").paths().get(0));
    }

    @Test
    void serverErrorsAndDroppedConnectionsAreRetriedWithBackoff() {
        hub.createRepo("alice/flaky", false);
        hub.failNext("GET", "/api/models/alice/flaky/revision/main", Fault.SERVER_ERROR, 1);
        hub.failNext("GET", "/api/models/alice/flaky/revision/main", Fault.DROP_CONNECTION, 1);
        try (HubTestSupport.LogCapture logs = new HubTestSupport.LogCapture()) {
            RepoRevision rev = client.revision(new RepoId(USER, "flaky"), "main");
            assertEquals(hub.head("alice/flaky", "main"), rev.sha());
            // the JDK client itself may re-send a GET whose connection dropped; the 503 is ours to retry
            assertTrue(logs.lines().stream().anyMatch(l -> l.contains("HTTP 503; attempt 2 of 3")), logs.lines().toString());
            logs.assertNoToken();
        }
        assertEquals(Arrays.asList(Fault.SERVER_ERROR, Fault.DROP_CONNECTION, null),
                hub.requests().stream().map(RecordedRequest::fault).toList());
    }

    @Test
    void droppedConnectionOnAPostIsRetriedByTheClient() throws Exception {
        hub.createRepo("alice/pre", false);
        hub.failNext("POST", "/api/models/alice/pre/preupload/main", Fault.DROP_CONNECTION, 1);
        try (HubTestSupport.LogCapture logs = new HubTestSupport.LogCapture()) {
            Map<String, String> modes = client.preupload(new RepoId(USER, "pre"), "main",
                    List.of(UploadFile.of("README.md", "# card\n"), UploadFile.of("adapter_model.safetensors", new byte[64])));
            assertEquals(Map.of("README.md", "regular", "adapter_model.safetensors", "lfs"), modes);
            assertTrue(logs.lines().stream().anyMatch(l -> l.contains("connection failure")), logs.lines().toString());
        }
        List<RecordedRequest> pre = hub.requests("POST", "/api/models/alice/pre/preupload/main");
        assertEquals(2, pre.size());
        assertEquals("{\"files\":[{\"path\":\"README.md\",\"sample\":\"IyBjYXJkCg==\",\"size\":7},"
                + "{\"path\":\"adapter_model.safetensors\",\"sample\":\""
                + java.util.Base64.getEncoder().encodeToString(new byte[64]) + "\",\"size\":64}]}", pre.get(1).bodyText());
    }

    @Test
    void retriesAreBoundedAndFailClearly() {
        hub.createRepo("alice/down", false);
        hub.failNext("GET", "/api/models/alice/down/revision/main", Fault.SERVER_ERROR, 10);
        HubException e = assertThrows(HubException.class, () -> client.revision(new RepoId(USER, "down"), "main"));
        assertEquals(HubException.Kind.SERVER, e.kind());
        assertEquals(503, e.status());
        assertTrue(e.getMessage().contains("after 3 attempt(s)"), e.getMessage());
        assertEquals(3, hub.requests().size(), "maxAttempts = 3");
        assertNoToken(e);
    }

    @Test
    void unreachableHubIsANetworkError() {
        int port = Integer.parseInt(hub.url().substring(hub.url().lastIndexOf(':') + 1));
        hub.close();
        HubClient gone = new HubClient(config(hub, TOKEN).withEndpoint("http://127.0.0.1:" + port));
        HubException e = assertThrows(HubException.class, gone::whoami);
        assertEquals(HubException.Kind.NETWORK, e.kind());
        assertTrue(e.getMessage().contains("cannot reach the Hub at http://127.0.0.1:" + port + " after 3 attempt(s)"),
                e.getMessage());
        assertNoToken(e);
        hub = new FakeHubServer(TOKEN, USER); // for stop()
    }

    @Test
    void downloadOfARegularFileIsVerifiedAgainstTheGitBlobEtag() throws Exception {
        hub.createRepo("alice/files", false);
        byte[] json = "{\"peft_type\": \"LORA\"}\n".getBytes(StandardCharsets.UTF_8);
        String head = hub.commitFiles("alice/files", "main", Map.of("sub dir/adapter_config.json", json));
        DownloadedFile f = client.download(new RepoId(USER, "files"), "main", "sub dir/adapter_config.json",
                tmp.resolve("adapter_config.json"));
        assertArrayEquals(json, Files.readAllBytes(f.path()));
        assertEquals(head, f.commit());
        assertEquals("git-blob-sha1", f.verifiedBy());
        assertEquals(Digests.sha256(json), f.sha256());
        assertEquals("/alice/files/resolve/main/sub%20dir/adapter_config.json", hub.requests().get(0).path());
    }

    @Test
    void interruptedDownloadResumesWithARangeRequest() throws Exception {
        RepoId repo = publishBlob("alice/big", 50_000);
        hub.failNext("GET", "/cdn/.*", Fault.DROP_MID_BODY, 1);
        hub.clearRequests();
        DownloadedFile f = client.download(repo, "main", "adapter_model.safetensors", tmp.resolve("w.safetensors"));
        assertEquals(25_000, f.resumedFrom(), "the second GET asked for the rest only");
        assertEquals("lfs-sha256", f.verifiedBy());
        assertArrayEquals(hub.file(repo.id(), "main", "adapter_model.safetensors").orElseThrow(),
                Files.readAllBytes(f.path()));
        List<RecordedRequest> cdn = hub.requests("GET", "/cdn/.*");
        assertEquals(2, cdn.size());
        assertTrue(cdn.get(0).header("Range").isEmpty());
        assertEquals("bytes=25000-", cdn.get(1).header("Range").orElseThrow());
        assertTrue(cdn.stream().noneMatch(RecordedRequest::hasAuthorization), "the token never goes to storage");
        assertTrue(hub.requests("GET", "/alice/big/resolve/.*").stream().allMatch(RecordedRequest::authorized));
        assertFalse(Files.exists(tmp.resolve("w.safetensors.part")));
    }

    @Test
    void partialFileFromAnEarlierRunIsResumedAndAStaleOneIsReplaced() throws Exception {
        RepoId repo = publishBlob("alice/resume", 40_000);
        byte[] content = hub.file(repo.id(), "main", "adapter_model.safetensors").orElseThrow();
        Path target = tmp.resolve("adapter_model.safetensors");
        Files.write(tmp.resolve("adapter_model.safetensors.part"), Arrays.copyOf(content, 10_000));
        DownloadedFile resumed = client.download(repo, "main", "adapter_model.safetensors", target);
        assertEquals(10_000, resumed.resumedFrom());
        assertArrayEquals(content, Files.readAllBytes(target));

        byte[] stale = new byte[12_345]; // left by another version of the file
        Files.write(tmp.resolve("adapter_model.safetensors.part"), stale);
        DownloadedFile fresh = client.download(repo, "main", "adapter_model.safetensors", target);
        assertEquals(0, fresh.resumedFrom(), "verification failed after resuming: downloaded again from byte 0");
        assertArrayEquals(content, Files.readAllBytes(target));
    }

    @Test
    void corruptedContentIsRejectedAndDiscarded() {
        RepoId repo = publishBlob("alice/corrupt", 30_000);
        hub.corruptLfsObject(hub.lfsOids().iterator().next());
        Path target = tmp.resolve("adapter_model.safetensors");
        HubException e = assertThrows(HubException.class,
                () -> client.download(repo, "main", "adapter_model.safetensors", target));
        assertEquals(HubException.Kind.INTEGRITY, e.kind());
        assertTrue(e.getMessage().contains("the Hub announced"), e.getMessage());
        assertFalse(Files.exists(target));
        assertFalse(Files.exists(tmp.resolve("adapter_model.safetensors.part")));
    }

    /** A repository whose main holds {@code adapter_model.safetensors} of {@code size} bytes, stored in LFS. */
    private RepoId publishBlob(String id, int size) {
        RepoId repo = RepoId.parse(id);
        client.createRepo(repo, false);
        byte[] content = new byte[size];
        for (int i = 0; i < size; i++) {
            content[i] = (byte) (i * 31 + i / 7);
        }
        client.commit(repo, "main", List.of(UploadFile.of("adapter_model.safetensors", content)), "weights", "");
        assertTrue(hub.isLfs(id, "main", "adapter_model.safetensors"));
        return repo;
    }
}
