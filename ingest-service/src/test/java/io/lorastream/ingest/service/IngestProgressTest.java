package io.lorastream.ingest.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IngestProgressTest {

    @Test
    void percentIsHalfReadingByBytesAndHalfPublishingByRecords() {
        IngestProgress p = new IngestProgress();
        p.startReading(1000);
        p.rowRead(250);
        assertEquals(12.5, p.snapshot().percent());
        p.startPublishing(200);
        p.published(50);
        assertEquals(62.5, p.snapshot().percent());
        assertEquals(50, p.snapshot().recordsPublished());
        p.sealed();
        assertEquals(100.0, p.snapshot().percent());
    }

    @Test
    void unknownSizesReadAsZeroPercentUntilPublishing() {
        IngestProgress p = new IngestProgress();
        p.startReading(-1);
        p.rowRead(5000);
        assertEquals(0.0, p.snapshot().percent());
        assertEquals(1, p.snapshot().rowsRead());
    }

    @Test
    void theListenerHearsEveryPhaseChangeOnTheWorkingThread() {
        List<IngestProgress.Phase> heard = new ArrayList<>();
        IngestProgress p = new IngestProgress(Duration.ofDays(1), s -> heard.add(s.phase()));
        p.startReading(10);
        p.rowRead(5);
        p.startPublishing(1);
        p.published(1);
        p.sealing();
        p.sealed();
        assertEquals(List.of(IngestProgress.Phase.READING, IngestProgress.Phase.PUBLISHING,
                IngestProgress.Phase.SEALING, IngestProgress.Phase.SEALED), heard);
    }

    @Test
    void withAZeroIntervalEveryRowIsReported() {
        List<Long> rows = new ArrayList<>();
        IngestProgress p = new IngestProgress(Duration.ZERO, s -> rows.add(s.rowsRead()));
        p.startReading(10);
        p.rowRead(1);
        p.rowRead(2);
        assertEquals(List.of(0L, 1L, 2L), rows);
    }
}
