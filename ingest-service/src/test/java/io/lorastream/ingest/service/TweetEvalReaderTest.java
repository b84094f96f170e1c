package io.lorastream.ingest.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lorastream.contracts.Split;
import io.lorastream.ingest.MalformedCorpus;
import io.lorastream.testing.SharedAssets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TweetEvalReaderTest {
    private final TweetEvalReader reader = new TweetEvalReader(ValidationRules.defaults(), 1000);

    @Test
    void readsTheSharedTrainAndValidationSplitsAndRejectsOnlyDuplicates() throws IOException {
        IngestProgress progress = new IngestProgress();
        ExampleSet set = reader.read(new DirectoryFiles(SharedAssets.tweetEvalSentiment()),
                List.of(Split.TRAIN, Split.VALIDATION), progress);

        assertEquals(Map.of(Split.TRAIN, 45_615L, Split.VALIDATION, 2_000L), set.rowsRead());
        // 25 texts occur more than once in train: 29 later copies are rejected, the first copies kept
        assertEquals(29, set.rejects().total());
        assertEquals(29, set.rejects().count(RejectReason.DUPLICATE_TEXT));
        assertTrue(set.rejects().rejects().stream().allMatch(r -> r.split() == Split.TRAIN));
        assertEquals(45_586, set.examples(Split.TRAIN).size());
        assertEquals(2_000, set.examples(Split.VALIDATION).size());
        assertEquals(Map.of("negative", 312L, "neutral", 869L, "positive", 819L), set.available().get(Split.VALIDATION));
        Example first = set.examples(Split.TRAIN).get(0);
        assertEquals(1, first.line());
        assertTrue(first.text().startsWith("\"QT @user In the original draft"));
        assertTrue(!first.text().endsWith(" "), "lines are stripped");
        assertEquals(50.0, progress.snapshot().percent());
        assertEquals(47_615, progress.snapshot().rowsRead());
    }

    @Test
    void aTruncatedTextFileRejectsTheUnpairedLabelsAndSaysSo(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("train_text.txt"), "one \ntwo \nthree, cut mid-li");
        Files.writeString(dir.resolve("train_labels.txt"), "0\n1\n2\n2\n1\n");
        ExampleSet set = reader.read(new DirectoryFiles(dir), List.of(Split.TRAIN), new IngestProgress());
        assertEquals(3, set.examples(Split.TRAIN).size());
        assertEquals(2, set.rejects().count(RejectReason.LINE_COUNT_MISMATCH));
        assertEquals(List.of(4L, 5L), set.rejects().rejects().stream().map(Reject::line).toList());
        assertTrue(set.warnings().get(0).contains("has 3 lines but train_labels.txt has 5"), set.warnings().toString());
    }

    @Test
    void aTruncatedLabelsFileRejectsTheUnpairedTexts(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("train_text.txt"), "one\ntwo\nthree\n");
        Files.writeString(dir.resolve("train_labels.txt"), "0\n");
        ExampleSet set = reader.read(new DirectoryFiles(dir), List.of(Split.TRAIN), new IngestProgress());
        assertEquals(1, set.examples(Split.TRAIN).size());
        assertEquals(2, set.rejects().count(RejectReason.LINE_COUNT_MISMATCH));
    }

    @Test
    void wrongEncodingsBinaryGarbageAndHugeLinesAreRejectedRowByRow(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("train_text.txt"), MalformedCorpus.concat(
                MalformedCorpus.latin1("na\u00efve caf\u00e9 \n"),
                MalformedCorpus.utf8("good one \n"),
                MalformedCorpus.utf8(MalformedCorpus.megabyteLine(1 << 20) + "\n"),
                MalformedCorpus.utf8("nul\u0000byte\n"),
                MalformedCorpus.utf8("   \n"),
                MalformedCorpus.utf8("good two\n")));
        Files.writeString(dir.resolve("train_labels.txt"), "0\n1\n2\n0\n1\nfour\n");
        ExampleSet set = reader.read(new DirectoryFiles(dir), List.of(Split.TRAIN), new IngestProgress());
        assertEquals(List.of("good one"), set.examples(Split.TRAIN).stream().map(Example::text).toList());
        assertEquals(List.of(RejectReason.INVALID_UTF8, RejectReason.TOO_LONG, RejectReason.BINARY_CONTENT,
                RejectReason.EMPTY_TEXT, RejectReason.UNKNOWN_LABEL),
                set.rejects().rejects().stream().map(Reject::reason).toList());
        assertEquals(List.of(1L, 3L, 4L, 5L, 6L), set.rejects().rejects().stream().map(Reject::line).toList());
    }

    @Test
    void binaryGarbageFilesNeverThrow(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("train_text.txt"), MalformedCorpus.binaryGarbage(300_000));
        Files.write(dir.resolve("train_labels.txt"), MalformedCorpus.binaryGarbage(5_000));
        ExampleSet set = reader.read(new DirectoryFiles(dir), List.of(Split.TRAIN), new IngestProgress());
        assertEquals(set.rowsRead().get(Split.TRAIN), set.rejects().total() + set.accepted());
        assertTrue(set.rejects().total() > 0);
    }

    @Test
    void aMissingFileOrAForeignMappingFailsTheReadWithTheFileNamed(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("train_text.txt"), "a\n");
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> reader.read(new DirectoryFiles(dir), List.of(Split.TRAIN), new IngestProgress()));
        assertTrue(missing.getMessage().contains("missing file train_labels.txt"), missing.getMessage());
        assertEquals(List.of("train_labels.txt"), TweetEvalReader.missingFiles(new DirectoryFiles(dir), List.of(Split.TRAIN)));

        Files.writeString(dir.resolve("train_labels.txt"), "0\n");
        Files.writeString(dir.resolve("mapping.txt"), "0\tanger\n");
        IllegalArgumentException mapping = assertThrows(IllegalArgumentException.class,
                () -> reader.read(new DirectoryFiles(dir), List.of(Split.TRAIN), new IngestProgress()));
        assertTrue(mapping.getMessage().contains("anger"), mapping.getMessage());
    }
}
