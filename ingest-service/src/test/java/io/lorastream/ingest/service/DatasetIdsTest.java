package io.lorastream.ingest.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lorastream.contracts.Split;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DatasetIdsTest {
    private static final SourceRef DIR = new SourceRef(SourceRef.Kind.DIR, "/data/tweeteval");

    @Test
    void equivalentParametersGiveTheSameId() {
        IngestParameters a = new IngestParameters(List.of(Split.VALIDATION, Split.TRAIN),
                Map.of(Split.TRAIN, 1000, Split.VALIDATION, 200, Split.TEST, 5), false, false, 3407, 4096);
        IngestParameters b = IngestParameters.defaults(4096);
        assertEquals(a, b);
        String id = DatasetIds.of(DIR, a);
        assertEquals(id, DatasetIds.of(DIR, b));
        assertTrue(id.matches("ds-[0-9a-f]{20}"), id);
        // sampling settings are meaningless with all=true
        assertEquals(DatasetIds.of(DIR, new IngestParameters(List.of(Split.TRAIN), Map.of(Split.TRAIN, 5), true, true, 9, 4096)),
                DatasetIds.of(DIR, IngestParameters.everything(List.of(Split.TRAIN), 4096)));
    }

    @Test
    void anyDifferenceInSourceOrParametersChangesTheId() {
        IngestParameters p = IngestParameters.defaults(4096);
        String id = DatasetIds.of(DIR, p);
        assertNotEquals(id, DatasetIds.of(new SourceRef(SourceRef.Kind.DIR, "/data/other"), p));
        assertNotEquals(id, DatasetIds.of(new SourceRef(SourceRef.Kind.URL, "/data/tweeteval"), p));
        assertNotEquals(id, DatasetIds.of(DIR, new IngestParameters(p.splits(), p.sizes(), false, false, 1, 4096)));
        assertNotEquals(id, DatasetIds.of(DIR, new IngestParameters(p.splits(), p.sizes(), false, true, 3407, 4096)));
        assertNotEquals(id, DatasetIds.of(DIR, IngestParameters.defaults(280)));
    }

    @Test
    void parametersRejectNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new IngestParameters(List.of(), Map.of(), false, false, 1, 10));
        assertThrows(IllegalArgumentException.class,
                () -> new IngestParameters(List.of(Split.TRAIN), Map.of(Split.TRAIN, -1), false, false, 1, 10));
        assertThrows(IllegalArgumentException.class, () -> IngestParameters.defaults(0));
        assertNull(IngestParameters.everything(List.of(Split.TEST), 10).size(Split.TEST));
    }
}
