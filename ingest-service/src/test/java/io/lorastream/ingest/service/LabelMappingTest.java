package io.lorastream.ingest.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lorastream.contracts.SentimentLabel;
import io.lorastream.testing.SharedAssets;
import java.nio.file.Files;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LabelMappingTest {

    @Test
    void theSharedMappingMapsTweetEvalIds() throws Exception {
        LabelMapping m = LabelMapping.parse(Files.readString(SharedAssets.tweetEvalSentiment().resolve("mapping.txt")));
        assertEquals(Optional.of(SentimentLabel.NEGATIVE), m.resolve("0"));
        assertEquals(Optional.of(SentimentLabel.POSITIVE), m.resolve("2 "));
        assertEquals(Optional.of(SentimentLabel.NEUTRAL), m.resolve("neutral"));
        assertTrue(m.resolve("7").isEmpty());
    }

    @Test
    void aMappingDecidesWhatTheIdsMean() {
        LabelMapping m = LabelMapping.parse("0\tpositive\n1\tnegative\n");
        assertEquals(Optional.of(SentimentLabel.POSITIVE), m.resolve("0"));
        assertTrue(m.resolve("2").isEmpty(), "id 2 is not in this mapping");
    }

    @Test
    void aMappingWithLabelsOutsideSentimentFailsClearly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LabelMapping.parse("0\tanger\n1\tjoy\n"));
        assertTrue(e.getMessage().contains("unknown label 'anger'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LabelMapping.parse("\n"));
        assertThrows(IllegalArgumentException.class, () -> LabelMapping.parse("0\tnegative\n0\tpositive"));
    }
}
