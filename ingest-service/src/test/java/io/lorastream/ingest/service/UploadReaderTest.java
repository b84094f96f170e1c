package io.lorastream.ingest.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lorastream.contracts.SentimentLabel;
import io.lorastream.contracts.Split;
import io.lorastream.ingest.MalformedCorpus;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UploadReaderTest {
    private static final Set<Split> ALL = EnumSet.allOf(Split.class);
    private final UploadReader reader = new UploadReader(ValidationRules.defaults(), 1000);

    private ExampleSet read(UploadFormat format, byte[] body, Set<Split> selected) throws IOException {
        return reader.read(format, new ByteArrayInputStream(body), body.length, Split.TRAIN, selected, new IngestProgress());
    }

    private ExampleSet read(UploadFormat format, String body) throws IOException {
        return read(format, MalformedCorpus.utf8(body), ALL);
    }

    private static List<RejectReason> reasons(ExampleSet set) {
        return set.rejects().rejects().stream().map(Reject::reason).toList();
    }

    @Test
    void jsonlTakesLabelNamesOrIdsAndAnOptionalSplit() throws IOException {
        ExampleSet set = read(UploadFormat.JSONL, """
                {"text": "I love it", "label": "positive"}
                {"text": "meh", "label": 1, "split": "validation", "extra": true}
                {"text": "awful", "label": "0", "split": "val"}
                """);
        assertEquals(0, set.rejects().total());
        assertEquals(SentimentLabel.POSITIVE, set.examples(Split.TRAIN).get(0).label());
        assertEquals(List.of(SentimentLabel.NEUTRAL, SentimentLabel.NEGATIVE),
                set.examples(Split.VALIDATION).stream().map(Example::label).toList());
    }

    @Test
    void badJsonlRowsAreRejectedWithTheirLineNumbers() throws IOException {
        ExampleSet set = read(UploadFormat.JSONL, """
                {"text": "ok", "label": "negative"}
                {"text": "truncated", "lab
                [1, 2]

                {"label": "positive"}
                {"text": 42, "label": "positive"}
                {"text": "x", "label": "positive", "split": "holdout"}
                {"text": "y", "label": 2.5}
                {"text": "z"} trailing
                {"text": "fine", "label": "neutral"}
                """);
        assertEquals(List.of("ok", "fine"), set.examples(Split.TRAIN).stream().map(Example::text).toList());
        assertEquals(List.of(RejectReason.MALFORMED_ROW, RejectReason.MALFORMED_ROW, RejectReason.MALFORMED_ROW,
                RejectReason.MALFORMED_ROW, RejectReason.MALFORMED_ROW, RejectReason.MALFORMED_ROW,
                RejectReason.UNKNOWN_LABEL, RejectReason.MALFORMED_ROW), reasons(set));
        assertEquals(List.of(2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L),
                set.rejects().rejects().stream().map(Reject::line).toList());
        assertTrue(set.rejects().rejects().get(0).detail().startsWith("invalid JSON"));
        assertTrue(set.rejects().rejects().get(5).detail().contains("unknown split 'holdout'"));
    }

    @Test
    void csvWithAHeaderInAnyOrderQuotesAndEmbeddedNewlines() throws IOException {
        ExampleSet set = read(UploadFormat.CSV, "label,text\n2,\"He said \"\"hi\"\", then left\"\n"
                + "negative,\"two\nlines\"\n1,plain \"quoted\" word\n");
        assertEquals(0, set.rejects().total(), set.rejects().rejects().toString());
        assertEquals(List.of("He said \"hi\", then left", "two\nlines", "plain \"quoted\" word"),
                set.examples(Split.TRAIN).stream().map(Example::text).toList());
        assertEquals(List.of(2L, 3L, 5L), set.examples(Split.TRAIN).stream().map(Example::line).toList());
    }

    @Test
    void csvWithoutHeaderTakesTextLabelAndOptionalSplit() throws IOException {
        ExampleSet set = read(UploadFormat.CSV, "good,positive,train\nbad,negative,test\n");
        assertEquals(1, set.examples(Split.TRAIN).size());
        assertEquals(1, set.examples(Split.TEST).size());
    }

    @Test
    void csvQuotingErrorsRejectOnlyTheRowTheyStartOn() throws IOException {
        for (Map.Entry<String, String> c : MalformedCorpus.csvQuotingErrors().entrySet()) {
            ExampleSet set = read(UploadFormat.CSV, c.getValue());
            assertEquals(List.of(RejectReason.MALFORMED_ROW), reasons(set), c.getKey());
            long good = c.getKey().equals("unterminated quote mid-file") ? 2 : 1;
            assertEquals(good, set.accepted(), c.getKey() + ": the good rows survive");
        }
        ExampleSet unterminated = read(UploadFormat.CSV, MalformedCorpus.csvQuotingErrors().get("unterminated quote at end"));
        assertTrue(unterminated.rejects().rejects().get(0).detail().contains("unterminated quoted field"));
        assertEquals(2, unterminated.rejects().rejects().get(0).line());
    }

    @Test
    void anUnclosedQuoteCannotSwallowMoreThanTheLongestAcceptableRecord() throws IOException {
        UploadReader small = new UploadReader(new ValidationRules(10), 1000); // records of at most 1104 chars
        StringBuilder body = new StringBuilder("\"opens and never closes,positive\n");
        for (int i = 0; i < 500; i++) {
            body.append("row ").append(i).append(",neutral\n");
        }
        ExampleSet set = small.read(UploadFormat.CSV, new ByteArrayInputStream(MalformedCorpus.utf8(body.toString())),
                -1, Split.TRAIN, ALL, new IngestProgress());
        assertEquals(1, set.rejects().total());
        assertEquals(500, set.accepted());
    }

    @Test
    void malformedBodiesOfEitherFormatBecomeRejectsNeverExceptions() throws IOException {
        byte[][] bodies = {
                MalformedCorpus.binaryGarbage(100_000),
                MalformedCorpus.concat(MalformedCorpus.latin1("caf\u00e9,positive\n"), MalformedCorpus.utf8("ok,negative\n")),
                MalformedCorpus.utf8(MalformedCorpus.megabyteLine(1 << 20) + ",positive\nok,negative\n"),
                MalformedCorpus.utf8("{\"text\": \"" + MalformedCorpus.megabyteLine(1 << 20) + "\", \"label\": 1}\n"),
                MalformedCorpus.utf8("{\"text\": \"cut"),
        };
        for (UploadFormat f : UploadFormat.values()) {
            for (byte[] body : bodies) {
                ExampleSet set = read(f, body, ALL);
                long rows = set.rowsRead().values().stream().mapToLong(Long::longValue).sum();
                assertEquals(rows, set.accepted() + set.rejects().total(), "every row is accounted for");
                assertTrue(set.rejects().total() > 0);
            }
        }
        ExampleSet latin = read(UploadFormat.CSV, bodies[1], ALL);
        assertEquals(List.of(RejectReason.INVALID_UTF8), reasons(latin));
        assertEquals(List.of(RejectReason.TOO_LONG), reasons(read(UploadFormat.CSV, bodies[2], ALL)));
    }

    @Test
    void rowsOfUnselectedSplitsAreRejectedNotDropped() throws IOException {
        ExampleSet set = read(UploadFormat.CSV, MalformedCorpus.utf8("a,positive,train\nb,negative,test\n"),
                EnumSet.of(Split.TRAIN));
        assertEquals(List.of(RejectReason.SPLIT_NOT_SELECTED), reasons(set));
    }

    @Test
    void formatsParseByName() {
        assertEquals(UploadFormat.JSONL, UploadFormat.parse("NDJSON"));
        assertEquals(UploadFormat.CSV, UploadFormat.parse(" csv"));
        assertThrows(IllegalArgumentException.class, () -> UploadFormat.parse("xml"));
    }
}
