package io.lorastream.ingest.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lorastream.contracts.SentimentLabel;
import io.lorastream.contracts.Split;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ExampleValidatorTest {
    private final RejectLog rejects = new RejectLog(100);
    private final ExampleValidator validator = new ExampleValidator(new ValidationRules(10), LabelMapping.standard(), rejects);

    private RejectReason rejectedFor(String text, String label) {
        long before = rejects.total();
        Optional<Example> e = validator.check(Split.TRAIN, before + 1, text, label);
        assertTrue(e.isEmpty(), "expected a reject for '" + text + "'");
        return rejects.rejects().get(rejects.rejects().size() - 1).reason();
    }

    @Test
    void acceptsAStrippedTextWithALabelNameOrId() {
        Example e = validator.check(Split.TRAIN, 1, "  hello \n", "2").orElseThrow();
        assertEquals("hello", e.text());
        assertEquals(SentimentLabel.POSITIVE, e.label());
        assertEquals(SentimentLabel.NEUTRAL, validator.check(Split.TRAIN, 2, "other", " Neutral ").orElseThrow().label());
    }

    @Test
    void rejectsEachProblemWithItsReason() {
        assertEquals(RejectReason.EMPTY_TEXT, rejectedFor("   ", "1"));
        assertEquals(RejectReason.TOO_LONG, rejectedFor("12345678901", "1"));
        assertEquals(RejectReason.BINARY_CONTENT, rejectedFor("bell\u0007", "1"));
        assertEquals(RejectReason.INVALID_UTF8, rejectedFor("half \uD83D", "1"));
        assertEquals(RejectReason.UNKNOWN_LABEL, rejectedFor("fine", "joy"));
        assertEquals(RejectReason.UNKNOWN_LABEL, rejectedFor("fine too", ""));
        assertEquals(6, rejects.total());
    }

    @Test
    void countsLengthInCodePointsSoEmojiAreOneCharacterEach() {
        assertTrue(validator.check(Split.TRAIN, 1, "\uD83D\uDE00".repeat(10), "0").isPresent());
    }

    @Test
    void aDuplicateTextIsRejectedWithinItsSplitOnly() {
        assertTrue(validator.check(Split.TRAIN, 1, "same", "0").isPresent());
        assertTrue(validator.check(Split.VALIDATION, 1, "same", "0").isPresent());
        assertEquals(RejectReason.DUPLICATE_TEXT, rejectedFor(" same ", "1"));
        assertEquals("same text as line 1", rejects.rejects().get(0).detail());
    }

    @Test
    void rejectDetailsAreCutAndFreeOfControlCharacters() {
        validator.reject(Split.TRAIN, 9, RejectReason.MALFORMED_ROW, "nul\u0000" + "y".repeat(1000));
        String d = rejects.rejects().get(0).detail();
        assertTrue(d.startsWith("nul\uFFFDy"));
        assertTrue(d.length() <= Reject.MAX_DETAIL + 1);
    }
}
