package io.lorastream.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lorastream.contracts.HyperParameters;
import io.lorastream.contracts.HyperParameters.Schedule;
import org.junit.jupiter.api.Test;

class LrScheduleTest {
    private static final double LR = 2e-4;

    @Test
    void linearWithWarmupIsHuggingFacesFormula() {
        LrSchedule s = new LrSchedule(Schedule.LINEAR, LR, 5, 60);
        assertEquals(0.0, s.lr(0), 0);                    // first update of a warmed-up run has lr 0
        assertEquals(LR * 1 / 5, s.lr(1), 1e-18);
        assertEquals(LR * 4 / 5, s.lr(4), 1e-18);
        assertEquals(LR, s.lr(5), 1e-18);                  // (60-5)/(60-5)
        assertEquals(LR * 30 / 55, s.lr(30), 1e-18);
        assertEquals(LR * 1 / 55, s.lr(59), 1e-18);
        assertEquals(0.0, s.lr(60), 0);
        assertEquals(0.0, s.lr(75), 0);                    // never negative past the end
    }

    @Test
    void constantWithWarmup() {
        LrSchedule s = new LrSchedule(Schedule.CONSTANT, LR, 3, 10);
        assertEquals(0.0, s.lr(0), 0);
        assertEquals(LR * 2 / 3, s.lr(2), 1e-18);
        assertEquals(LR, s.lr(3), 0);
        assertEquals(LR, s.lr(9), 0);
    }

    @Test
    void cosineWithWarmupIsAHalfCosine() {
        LrSchedule s = new LrSchedule(Schedule.COSINE, LR, 2, 12);
        assertEquals(LR / 2, s.lr(1), 1e-18);
        assertEquals(LR, s.lr(2), 1e-18);
        assertEquals(LR * 0.5 * (1 + Math.cos(Math.PI * 2 / 10)), s.lr(4), 1e-18);
        assertEquals(LR / 2, s.lr(7), 1e-18);              // half way through the decay
        assertEquals(0.0, s.lr(12), 1e-18);
    }

    @Test
    void noWarmupStartsAtThePeak() {
        LrSchedule s = new LrSchedule(Schedule.LINEAR, LR, 0, 4);
        assertEquals(LR, s.lr(0), 0);
        assertEquals(LR / 4, s.lr(3), 1e-18);
    }

    @Test
    void defaultsAreTheReferenceRun() {
        LrSchedule s = LrSchedule.of(HyperParameters.defaults());
        assertEquals(new LrSchedule(Schedule.LINEAR, 2e-4, 5, 60), s);
        assertThrows(IllegalArgumentException.class, () -> new LrSchedule(Schedule.LINEAR, LR, -1, 10));
    }
}
