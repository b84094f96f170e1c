package io.lorastream.ingest.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lorastream.ingest.Ingests;
import io.lorastream.ingest.MalformedCorpus;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A TweetEval directory full of broken files: every bad row is a counted reject, the good ones are published. */
@QuarkusTest
class MalformedDirectoryTest {

    @Test
    void truncatedMisencodedBinaryAndHugeLinesAreRejectedRowByRow(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("train_text.txt"), MalformedCorpus.concat(
                MalformedCorpus.utf8("a fine tweet \n"),
                MalformedCorpus.latin1("d\u00e9j\u00e0 vu in latin-1 \n"),
                MalformedCorpus.utf8(MalformedCorpus.megabyteLine(1 << 20) + " \n"),
                MalformedCorpus.utf8("\u0000\u0001\u0002 binary \n"),
                MalformedCorpus.utf8("another fine tweet \n"),
                MalformedCorpus.utf8("a fine tweet \n"),
                MalformedCorpus.utf8("cut off in the midd")));
        Files.writeString(dir.resolve("train_labels.txt"), "2\n0\n1\n1\nfive\n1\n0\n2\n1\n");
        Files.writeString(dir.resolve("val_text.txt"), "validation one \n");
        Files.write(dir.resolve("val_labels.txt"), new byte[] {(byte) 0xff, '\n'});
        Files.writeString(dir.resolve("mapping.txt"), "0\tnegative\n1\tneutral\n2\tpositive\n");

        String id = Ingests.start(Map.of("source", Map.of("dir", dir.toString())));
        JsonPath report = Ingests.awaitSealed(id);

        assertEquals(Map.of("train", 9, "validation", 1), report.getMap("rowsRead"));
        assertEquals(Map.of("INVALID_UTF8", 2, "TOO_LONG", 1, "BINARY_CONTENT", 1, "UNKNOWN_LABEL", 1,
                "DUPLICATE_TEXT", 1, "LINE_COUNT_MISMATCH", 2), report.getMap("rejectsByReason"));
        List<Map<String, Object>> rejects = report.getList("rejects");
        assertEquals(List.of(2, 3, 4, 5, 6, 8, 9, 1), rejects.stream().map(r -> ((Number) r.get("line")).intValue()).toList());
        assertEquals("validation", rejects.get(7).get("split"));
        // train keeps line 1 (positive) and the cut-off line 7 (negative); validation keeps nothing
        assertEquals(Map.of("negative", 1, "neutral", 0, "positive", 1), report.getMap("counts.train"));
        assertEquals(Map.of("negative", 0, "neutral", 0, "positive", 0), report.getMap("counts.validation"));
        assertEquals(2, report.getLong("recordCount"));
        assertTrue(report.getList("warnings", String.class).contains("validation: no valid examples"));
        assertTrue(report.getList("warnings", String.class).stream().anyMatch(w -> w.contains("train_labels.txt has 9")));
    }
}
