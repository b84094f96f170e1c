package io.lorastream.trainer.domain;

import io.lorastream.contracts.ContractJson;
import io.lorastream.contracts.HyperParameters;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;

/** One fine-tuning run: what was asked, where it stands, why it failed. */
@Entity
@Table(name = "training_run")
public class TrainingRun extends PanacheEntityBase {
    @Id
    public String id;

    @Column(name = "request_id")
    public String requestId;

    @Column(name = "dataset_id")
    public String datasetId;

    /** The base model reference (local folder or Hub id) the run trains on. */
    @Column(name = "base_model")
    public String baseModel;

    @Column(name = "base_model_sha256")
    public String baseModelSha256;

    /** Effective hyper-parameters as contract JSON (max sequence length already capped to the model's). */
    @Column(name = "hyper_parameters")
    public String hyperParameters;

    @Column(name = "adapter_id")
    public String adapterId;

    @Enumerated(EnumType.STRING)
    public RunStatus status;

    public String cause;

    @Column(name = "cancel_requested")
    public boolean cancelRequested;

    public String device;

    @Column(name = "train_records")
    public Integer trainRecords;

    @Column(name = "validation_records")
    public Integer validationRecords;

    @Column(name = "completed_steps")
    public int completedSteps;

    @Column(name = "max_steps")
    public int maxSteps;

    @Column(name = "resume_count")
    public int resumeCount;

    /** The checkpoint step the latest resume continued from; null if the run never resumed. */
    @Column(name = "resumed_from_step")
    public Integer resumedFromStep;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "started_at")
    public Instant startedAt;

    @Column(name = "finished_at")
    public Instant finishedAt;

    public HyperParameters hyperParameters() {
        return ContractJson.read(hyperParameters, HyperParameters.class);
    }

    public static TrainingRun byRequest(String requestId) {
        return find("requestId", requestId).firstResult();
    }

    public static List<TrainingRun> inStatus(RunStatus status) {
        return list("status = ?1 order by createdAt", status);
    }

    public static List<TrainingRun> waitingFor(String datasetId) {
        return list("datasetId = ?1 and status = ?2 order by createdAt", datasetId, RunStatus.WAITING_FOR_DATASET);
    }
}
