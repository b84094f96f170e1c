package io.lorastream.trainer.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.lorastream.contracts.ContractException;
import io.lorastream.contracts.ContractJson;
import io.lorastream.contracts.HyperParameters;
import io.lorastream.contracts.TrainingRequest;
import io.lorastream.trainer.config.TrainerConfig;
import io.lorastream.trainer.domain.Dataset;
import io.lorastream.trainer.domain.RunStatus;
import io.lorastream.trainer.domain.TrainingRun;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Turns training requests into runs: validates them against the contract and the base model, waits for
 * their dataset to be complete, queues them, cancels them.
 */
@ApplicationScoped
public class RunService {
    private static final Logger LOG = Logger.getLogger(RunService.class);

    private static final int DEFAULT_MAX_SEQ = HyperParameters.defaults().maxSeqLength();

    @Inject
    TrainerConfig config;

    @Inject
    ModelStore models;

    @Inject
    TrainingWorker worker;

    /** Parses a request's JSON; {@link InvalidRequestException} when it breaks the contract. */
    public static TrainingRequest parse(String json) {
        try {
            return ContractJson.read(json, TrainingRequest.class);
        } catch (ContractException e) {
            throw new InvalidRequestException("invalid TrainingRequest: " + e.getMessage());
        }
    }

    /**
     * Validates {@code parsed} and records its run (the existing one when the request id was seen before),
     * queueing it when its dataset is complete.
     */
    public TrainingRun submit(TrainingRequest request) {
        TrainingRun existing = find(request.requestId());
        if (existing != null) {
            LOG.infof("request %s already became run %s", request.requestId(), existing.id);
            return existing;
        }
        String baseModel = models.orDefault(request.baseModel());
        HyperParameters hp = effective(request.hyperParameters(), baseModel);
        TrainingRun run = create(request.requestId(), request.datasetId(), baseModel, hp);
        if (run.status == RunStatus.QUEUED) {
            worker.enqueue(run.id);
        }
        return run;
    }

    /**
     * The request's hyper-parameters as the run will use them: checked, and the default max sequence
     * length (2048, which every serialized request carries when it did not choose one) capped to the
     * model's {@code max_position_embeddings}; any other value above it is an error.
     */
    HyperParameters effective(HyperParameters hp, String baseModel) {
        List<String> problems = new ArrayList<>(hp.problems());
        int modelMax;
        try {
            modelMax = maxPositionEmbeddings(models.configJson(baseModel));
        } catch (RuntimeException e) {
            problems.add("base model '" + baseModel + "' is not usable: " + e.getMessage());
            throw new InvalidRequestException(problems);
        }
        if (hp.maxSeqLength() > modelMax) {
            if (hp.maxSeqLength() != DEFAULT_MAX_SEQ) {
                problems.add("maxSeqLength " + hp.maxSeqLength() + " exceeds the base model's max_position_embeddings "
                        + modelMax);
            } else {
                hp = hp.with(Map.of("maxSeqLength", modelMax));
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(problems);
        }
        return hp;
    }

    private static int maxPositionEmbeddings(Path configJson) {
        try {
            JsonNode config = ContractJson.mapper().readTree(Files.readString(configJson));
            return config.path("max_position_embeddings").asInt(2048);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + configJson + ": " + e.getMessage(), e);
        }
    }

    @Transactional
    TrainingRun find(String requestId) {
        return TrainingRun.byRequest(requestId);
    }

    @Transactional
    TrainingRun create(String requestId, String datasetId, String baseModel, HyperParameters hp) {
        TrainingRun run = new TrainingRun();
        run.id = "run-" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        run.requestId = requestId;
        run.datasetId = datasetId;
        run.baseModel = baseModel;
        run.hyperParameters = ContractJson.writeString(hp);
        run.adapterId = ArtifactStore.toAdapterId(config.adapterId().orElse(datasetId));
        run.maxSteps = hp.maxSteps();
        run.createdAt = Instant.now();
        Dataset dataset = Dataset.findById(datasetId);
        if (dataset != null && dataset.status == Dataset.Status.COMPLETE) {
            run.status = RunStatus.QUEUED;
        } else if (dataset != null && dataset.status == Dataset.Status.INVALID) {
            run.status = RunStatus.FAILED;
            run.cause = dataset.problem;
            run.finishedAt = run.createdAt;
        } else {
            run.status = RunStatus.WAITING_FOR_DATASET;
        }
        run.persist();
        LOG.infof("run %s for dataset %s (request %s): %s", run.id, datasetId, requestId, run.status);
        return run;
    }

    /** A dataset became complete: queue the runs waiting for it, and start one when auto-train is on. */
    public void datasetComplete(String datasetId) {
        for (String runId : release(datasetId)) {
            worker.enqueue(runId);
        }
        if (config.autoTrain() && !hasRuns(datasetId)) {
            try {
                submit(TrainingRequest.of("auto-" + datasetId, datasetId, null, HyperParameters.defaults()));
            } catch (InvalidRequestException e) {
                LOG.errorf("auto-train for dataset %s is not possible: %s", datasetId, e.getMessage());
            }
        }
    }

    @Transactional
    List<String> release(String datasetId) {
        List<String> ids = new ArrayList<>();
        for (TrainingRun run : TrainingRun.waitingFor(datasetId)) {
            run.status = RunStatus.QUEUED;
            ids.add(run.id);
        }
        return ids;
    }

    @Transactional
    boolean hasRuns(String datasetId) {
        return TrainingRun.count("datasetId", datasetId) > 0;
    }

    /** The dataset contradicts its seal: the runs waiting for it fail. */
    @Transactional
    public void datasetInvalid(String datasetId, String problem) {
        for (TrainingRun run : TrainingRun.waitingFor(datasetId)) {
            fail(run, problem);
        }
    }

    /** Runs that waited longer than the seal timeout for a dataset that never became complete. */
    @Transactional
    public void expireWaiting() {
        Instant cutoff = Instant.now().minus(config.sealTimeout());
        for (TrainingRun run : TrainingRun.inStatus(RunStatus.WAITING_FOR_DATASET)) {
            if (run.createdAt.isBefore(cutoff)) {
                Dataset d = Dataset.findById(run.datasetId);
                fail(run, d == null
                        ? "dataset '" + run.datasetId + "' was never sealed within " + config.sealTimeout()
                        : "dataset '" + run.datasetId + "' is still incomplete after " + config.sealTimeout());
            }
        }
    }

    private static void fail(TrainingRun run, String cause) {
        run.status = RunStatus.FAILED;
        run.cause = cause;
        run.finishedAt = Instant.now();
        LOG.warnf("run %s failed: %s", run.id, cause);
    }

    /**
     * Cancels a run: a queued or waiting one at once, a running one at its next step (its checkpoints stay).
     *
     * @throws RunFinishedException when the run has already finished
     */
    @Transactional
    public TrainingRun cancel(String runId) {
        TrainingRun run = TrainingRun.findById(runId);
        if (run == null) {
            return null;
        }
        if (run.status.isFinished()) {
            throw new RunFinishedException("run " + runId + " is already " + run.status.name().toLowerCase());
        }
        run.cancelRequested = true;
        if (run.status != RunStatus.RUNNING) {
            run.status = RunStatus.CANCELLED;
            run.finishedAt = Instant.now();
        }
        worker.cancel(runId);
        LOG.infof("run %s: cancel requested (%s)", runId, run.status);
        return run;
    }
}
