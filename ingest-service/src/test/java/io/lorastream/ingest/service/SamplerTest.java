package io.lorastream.ingest.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.lorastream.contracts.SentimentLabel;
import io.lorastream.contracts.Split;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SamplerTest {
    /** 100 examples: 10 negative, 30 neutral, 60 positive. */
    private static List<Example> skewed() {
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            SentimentLabel l = i < 10 ? SentimentLabel.NEGATIVE : i < 40 ? SentimentLabel.NEUTRAL : SentimentLabel.POSITIVE;
            out.add(new Example(Split.TRAIN, i + 1, "tweet " + i, l));
        }
        return out;
    }

    private static Map<SentimentLabel, Integer> byLabel(List<Example> sample) {
        Map<SentimentLabel, Integer> m = new EnumMap<>(SentimentLabel.class);
        sample.forEach(e -> m.merge(e.label(), 1, Integer::sum));
        return m;
    }

    @Test
    void theSameSeedGivesTheSameSampleAndAnotherSeedAnother() {
        List<Example> a = Sampler.sample(skewed(), Split.TRAIN, 20, false, 3407);
        assertEquals(a, Sampler.sample(skewed(), Split.TRAIN, 20, false, 3407));
        assertNotEquals(a, Sampler.sample(skewed(), Split.TRAIN, 20, false, 3408));
        assertNotEquals(a, Sampler.sample(skewed(), Split.VALIDATION, 20, false, 3407), "each split has its own stream");
        assertEquals(20, a.size());
    }

    @Test
    void stratifiedKeepsEachLabelsShareExactly() {
        List<Example> s = Sampler.sample(skewed(), Split.TRAIN, 20, true, 1);
        assertEquals(Map.of(SentimentLabel.NEGATIVE, 2, SentimentLabel.NEUTRAL, 6, SentimentLabel.POSITIVE, 12), byLabel(s));
    }

    @Test
    void quotasGiveTheRemainderToTheLargestFractions() {
        // 7 of 100 at 10/30/60 → exact 0.7/2.1/4.2 → floors 0/2/4, the one left goes to negative (0.7)
        assertEquals(Map.of(SentimentLabel.NEGATIVE, 1, SentimentLabel.NEUTRAL, 2, SentimentLabel.POSITIVE, 4),
                Sampler.quotas(skewed(), 7));
    }

    @Test
    void noSizeTakesEverythingInSourceOrderAndTooLargeASizeTakesAllShuffled() {
        assertEquals(skewed(), Sampler.sample(skewed(), Split.TRAIN, null, true, 1));
        List<Example> all = Sampler.sample(skewed(), Split.TRAIN, 1000, false, 1);
        assertEquals(100, all.size());
        assertNotEquals(skewed(), all);
    }
}
