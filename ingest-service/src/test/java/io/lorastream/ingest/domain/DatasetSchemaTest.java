package io.lorastream.ingest.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Flyway schema and the entities against the real PostgreSQL. */
@QuarkusTest
class DatasetSchemaTest {
    @Inject
    EntityManager em;

    @Test
    @Transactional
    void tablesAndFlywayHistoryLiveInTheIngestSchema() {
        List<?> ours = em.createNativeQuery("select table_name from information_schema.tables "
                + "where table_schema = 'ingest' order by table_name").getResultList();
        assertEquals(List.of("dataset", "dataset_reject", "flyway_schema_history"), ours);
        List<?> elsewhere = em.createNativeQuery("select table_schema from information_schema.tables "
                + "where table_name in ('dataset', 'dataset_reject') and table_schema <> 'ingest'").getResultList();
        assertEquals(List.of(), elsewhere);
    }

    @Test
    @Transactional
    void aDatasetWithJsonColumnsAndRejectsRoundTrips() {
        Dataset d = new Dataset();
        d.id = "ds-schema-test";
        d.sourceKind = "dir";
        d.source = "/data";
        d.parameters = Map.of("splits", List.of("train"), "seed", 3407);
        d.status = DatasetStatus.SEALED;
        d.phase = "SEALED";
        d.counts = Map.of("train", Map.of("negative", 1L, "neutral", 2L, "positive", 3L));
        d.rejectsByReason = Map.of("EMPTY_TEXT", 1L);
        d.warnings = List.of("a warning");
        d.createdAt = Instant.parse("2026-01-01T00:00:00Z");
        d.updatedAt = d.createdAt;
        d.persist();
        DatasetReject r = new DatasetReject();
        r.datasetId = d.id;
        r.split = "train";
        r.lineNumber = 7;
        r.reason = "EMPTY_TEXT";
        r.detail = "text is empty or blank";
        r.persist();
        em.flush();
        em.clear();

        Dataset back = Dataset.findById("ds-schema-test");
        assertEquals(3L, back.counts.get("train").get("positive"));
        assertEquals(List.of("train"), back.parameters.get("splits"));
        assertEquals(List.of("a warning"), back.warnings);
        assertNull(back.recordCount);
        assertEquals(7, DatasetReject.ofDataset(d.id).get(0).lineNumber);
        assertTrue(Dataset.listNewest(DatasetStatus.SEALED, 10).stream().anyMatch(x -> x.id.equals(d.id)));

        back.delete(); // rejects go with it (ON DELETE CASCADE)
        em.flush();
        em.clear();
        assertEquals(0, DatasetReject.ofDataset(d.id).size());
    }
}
