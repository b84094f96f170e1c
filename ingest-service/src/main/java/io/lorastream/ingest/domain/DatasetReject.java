package io.lorastream.ingest.domain;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import java.util.List;

/** One rejected input row of a dataset: where it was and why. */
@Entity
@Table(name = "dataset_reject")
public class DatasetReject extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "dataset_reject_seq")
    @SequenceGenerator(name = "dataset_reject_seq", sequenceName = "dataset_reject_seq", allocationSize = 50)
    public Long id;

    @Column(name = "dataset_id", nullable = false)
    public String datasetId;

    @Column(nullable = false)
    public String split;

    @Column(name = "line_number", nullable = false)
    public long lineNumber;

    @Column(nullable = false)
    public String reason;

    @Column(nullable = false)
    public String detail;

    /** In the order they were found. */
    public static List<DatasetReject> ofDataset(String datasetId) {
        return find("datasetId = ?1 order by id", datasetId).list();
    }

    public static long deleteOfDataset(String datasetId) {
        return delete("datasetId", datasetId);
    }
}
