package io.lorastream.trainer.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lorastream.contracts.Digests;
import io.lorastream.hub.HubClient;
import io.lorastream.hub.HubConfig;
import io.lorastream.hub.HubException;
import io.lorastream.testing.SharedAssets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads stories260K-hf from a local server that answers like huggingface.co. */
class HubModelCacheTest {
    private static final String REPO = "lorastream-test/stories260K";
    private static final Path SOURCE = SharedAssets.stories260K();

    @TempDir
    Path cacheDir;

    private HubModelCache cache(FakeHub hub, String token) {
        HubConfig config = HubConfig.defaults().withEndpoint(hub.endpoint()).withToken(token)
                .withRetries(3, Duration.ofMillis(100), Duration.ofSeconds(1))
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(30));
        return new HubModelCache(new HubClient(config), cacheDir);
    }

    @Test
    void downloadsTheModelFilesVerifiedAndOnlyOnce() throws Exception {
        try (FakeHub hub = new FakeHub(REPO, SOURCE)) {
            Path dir = cache(hub, null).fetch(REPO, "main");

            assertEquals(Digests.modelSha256(SOURCE), Digests.modelSha256(dir));
            assertTrue(Files.exists(dir.resolve("generation_config.json")));
            assertFalse(Files.exists(dir.resolve("README.md")), "only what the engine needs is fetched");
            assertFalse(Files.exists(dir.resolve("LICENSE")));
            try (Stream<Path> s = Files.list(dir)) {
                assertTrue(s.noneMatch(p -> p.toString().endsWith(".part")));
            }
            // the weights came through the Hub's redirect to its CDN, without the (absent) token
            assertTrue(hub.seen().stream().anyMatch(r -> r.path().equals("/cdn/model.safetensors")));

            int requests = hub.seen().size();
            assertEquals(dir, cache(hub, null).fetch(REPO, "main"));
            assertEquals(requests, hub.seen().size(), "a complete cached model is not fetched again");
        }
    }

    @Test
    void aDroppedConnectionResumesWithARangeRequest() throws Exception {
        try (FakeHub hub = new FakeHub(REPO, SOURCE).dropConnectionOnce("model.safetensors")) {
            Path dir = cache(hub, null).fetch(REPO, "main");

            List<FakeHub.Seen> weights = hub.seen().stream().filter(r -> r.path().equals("/cdn/model.safetensors")).toList();
            assertEquals(2, weights.size(), "one cut-off download and one resumed: " + weights);
            assertEquals(null, weights.get(0).range());
            long half = Files.size(SOURCE.resolve("model.safetensors")) / 2;
            String range = weights.get(1).range();
            assertTrue(range != null && range.matches("bytes=\\d+-"), "the second request is a range request: " + range);
            long from = Long.parseLong(range.substring(6, range.length() - 1));
            assertTrue(from > 0 && from <= half, "resumes from the bytes kept (" + from + " of the " + half + " sent)");
            assertEquals(Digests.sha256(SOURCE.resolve("model.safetensors")), Digests.sha256(dir.resolve("model.safetensors")));
        }
    }

    @Test
    void aWrongTokenIsAClearErrorThatNeverShowsTheToken() {
        try (FakeHub hub = new FakeHub(REPO, SOURCE).requireToken("hf_right")) {
            HubException e = assertThrows(HubException.class, () -> cache(hub, "hf_wrong_secret").fetch(REPO, "main"));
            assertEquals(401, e.status());
            assertEquals(HubException.Kind.UNAUTHORIZED, e.kind());
            assertTrue(e.getMessage().contains("token is invalid"), e.getMessage());
            assertFalse(e.getMessage().contains("hf_wrong_secret"));
            assertFalse(Files.exists(cache(hub, null).folder(REPO, "main").resolve(HubModelCache.COMPLETE)));

            HubException anonymous = assertThrows(HubException.class, () -> cache(hub, null).fetch(REPO, "main"));
            assertTrue(anonymous.getMessage().contains("configure a token"), anonymous.getMessage());

            Path dir = cache(hub, "hf_right").fetch(REPO, "main");
            assertEquals(Digests.modelSha256(SOURCE), Digests.modelSha256(dir));
            // the token goes to the Hub only, never to the CDN host it redirects to
            assertTrue(hub.seen().stream().filter(r -> r.path().startsWith("/cdn/")).allMatch(r -> r.authorization() == null));
            assertTrue(hub.seen().stream().filter(r -> r.path().startsWith("/api/")).anyMatch(r -> "Bearer hf_right".equals(r.authorization())));
        }
    }

    @Test
    void aCorruptFileFailsVerificationAndLeavesNothingBehind() throws Exception {
        try (FakeHub hub = new FakeHub(REPO, SOURCE).corrupt("model.safetensors")) {
            HubModelCache cache = cache(hub, null);
            HubException e = assertThrows(HubException.class, () -> cache.fetch(REPO, "main"));
            assertEquals(HubException.Kind.INTEGRITY, e.kind());
            assertTrue(e.getMessage().contains("sha256"), e.getMessage());
            Path dir = cache.folder(REPO, "main");
            assertFalse(Files.exists(dir.resolve("model.safetensors")));
            assertFalse(Files.exists(dir.resolve("model.safetensors.part")));
            assertFalse(Files.exists(dir.resolve(HubModelCache.COMPLETE)));
        }
    }

    @Test
    void anUnknownRepositoryIsNotFound() {
        try (FakeHub hub = new FakeHub(REPO, SOURCE)) {
            HubException e = assertThrows(HubException.class, () -> cache(hub, null).fetch("nobody/nothing", "main"));
            assertEquals(404, e.status());
            assertEquals(HubException.Kind.NOT_FOUND, e.kind());
            assertTrue(e.getMessage().contains("nobody/nothing"), e.getMessage());
        }
    }

    @Test
    void onlyTheConfigCanBeFetchedForChecks() throws Exception {
        try (FakeHub hub = new FakeHub(REPO, SOURCE)) {
            Path config = cache(hub, null).fetchConfig(REPO, "main");
            assertEquals(Files.readString(SOURCE.resolve("config.json")), Files.readString(config));
            assertTrue(hub.seen().stream().noneMatch(r -> r.path().contains("safetensors")));
        }
    }
}
