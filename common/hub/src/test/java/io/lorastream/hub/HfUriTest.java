package io.lorastream.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HfUriTest {

    @Test
    void parsesRepositoryWithAndWithoutRevision() {
        HfUri plain = HfUri.parse("hf://alice/tweet-sentiment-lora");
        assertEquals(new RepoId("alice", "tweet-sentiment-lora"), plain.repo());
        assertEquals("main", plain.revision());
        assertEquals("", plain.subfolder());
        assertFalse(plain.pinned());
        assertEquals("hf://alice/tweet-sentiment-lora@main", plain.toString());

        String sha = "0123456789abcdef0123456789abcdef01234567";
        HfUri pinned = HfUri.parse("  hf://alice/tweet-sentiment-lora@" + sha + " ");
        assertEquals(sha, pinned.revision());
        assertTrue(pinned.pinned());
        assertEquals(HfUri.parse(pinned.toString()), pinned);
    }

    @Test
    void parsesSubfolderAndSlashedRevision() {
        HfUri u = HfUri.parse("hf://org_1/adapters.v2/runs/run-7/final@refs/pr/3");
        assertEquals("org_1/adapters.v2", u.repo().id());
        assertEquals("runs/run-7/final", u.subfolder());
        assertEquals("refs/pr/3", u.revision());
        assertEquals("runs/run-7/final/adapter_config.json", u.pathInRepo("adapter_config.json"));
        assertEquals("hf://org_1/adapters.v2/runs/run-7/final@refs/pr/3", u.toString());
        assertEquals(u, HfUri.parse(u.toString()));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''|empty adapter URI",
        "s3://alice/repo|not an hf:// URI",
        "hf://alice|names no repository",
        "hf://alice/|names no repository",
        "hf:///repo|names no repository",
        "hf://alice/repo@|empty revision",
        "hf://alice/re po|may use letters",
        "hf://alice/repo--x|must not contain '--'",
        "hf://-alice/repo|must start and end",
        "hf://alice/repo.git|must not end with .git",
        "hf://alice/repo@ma in|invalid revision",
        "hf://alice/repo@../x|invalid revision",
        "hf://alice/repo/../x@main|invalid sub-folder",
        "hf://alice/repo//x|invalid sub-folder",
    })
    void rejectsMalformedUrisWithAClearReason(String uri, String reason) {
        HubException e = assertThrows(HubException.class, () -> HfUri.parse(uri));
        assertEquals(HubException.Kind.INVALID_ARGUMENT, e.kind());
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    @Test
    void repoIdRejectsPathTricks() {
        assertEquals("a/b", RepoId.parse(" a/b ").id());
        assertThrows(HubException.class, () -> RepoId.parse("a/b/c"));
        assertThrows(HubException.class, () -> RepoId.parse("a"));
        assertThrows(HubException.class, () -> new RepoId("a", "b?x=1"));
        assertThrows(HubException.class, () -> new RepoId("a", "x".repeat(97)));
    }
}
