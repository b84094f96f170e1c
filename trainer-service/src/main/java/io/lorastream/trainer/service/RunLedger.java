package io.lorastream.trainer.service;

import io.lorastream.contracts.HyperParameters;
import io.lorastream.contracts.PromptRecord;
import io.lorastream.contracts.Split;
import io.lorastream.llm.TrainStepResult;
import io.lorastream.trainer.domain.Checkpoint;
import io.lorastream.trainer.domain.Dataset;
import io.lorastream.trainer.domain.RunStatus;
import io.lorastream.trainer.domain.RunStep;
import io.lorastream.trainer.domain.StoredRecord;
import io.lorastream.trainer.domain.TrainingRun;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jboss.logging.Logger;

/** The training worker's writes to PostgreSQL, each in its own short transaction. */
@ApplicationScoped
public class RunLedger {
    private static final Logger LOG = Logger.getLogger(RunLedger.class);

    /**
     * What a run needs to (re)start, read in one transaction.
     *
     * @param resumeFrom the run's latest checkpoint, null to start from scratch
     */
    public record Plan(String runId, String datasetId, String baseModel, String adapterId, HyperParameters hp,
            List<PromptRecord> train, List<PromptRecord> validation, Checkpoint resumeFrom) {}

    /**
     * Marks the run RUNNING and returns its plan; null when it should not run (finished, cancelled, gone).
     * Steps recorded after its last checkpoint are dropped: a resumed run does them again.
     */
    @Transactional
    public Plan start(String runId) {
        TrainingRun run = TrainingRun.findById(runId);
        if (run == null || run.status.isFinished() || run.status == RunStatus.WAITING_FOR_DATASET) {
            return null;
        }
        if (run.cancelRequested) {
            finish(run, RunStatus.CANCELLED, null);
            return null;
        }
        Dataset dataset = Dataset.findById(run.datasetId);
        if (dataset == null || dataset.status != Dataset.Status.COMPLETE) {
            finish(run, RunStatus.FAILED, "dataset '" + run.datasetId + "' is not complete");
            return null;
        }
        List<PromptRecord> records = new ArrayList<>(
                StoredRecord.ofDataset(run.datasetId).stream().map(StoredRecord::record).toList());
        records.sort(Comparator.comparing(PromptRecord::split).thenComparingInt(PromptRecord::index));
        Checkpoint last = Checkpoint.latestOf(runId);
        if (last != null) {
            RunStep.deleteAfter(runId, last.step);
            run.resumeCount++;
            run.resumedFromStep = last.step;
            run.completedSteps = last.step;
            LOG.infof("run %s resumes from its checkpoint %s@%d at step %d", runId, last.adapterId, last.version, last.step);
        } else {
            RunStep.deleteAfter(runId, 0);
            run.completedSteps = 0;
        }
        run.status = RunStatus.RUNNING;
        run.startedAt = run.startedAt == null ? Instant.now() : run.startedAt;
        run.trainRecords = (int) records.stream().filter(r -> r.split() == Split.TRAIN).count();
        run.validationRecords = (int) records.stream().filter(r -> r.split() == Split.VALIDATION).count();
        if (last != null) {
            Checkpoint.getEntityManager().detach(last);
        }
        return new Plan(run.id, run.datasetId, run.baseModel, run.adapterId, run.hyperParameters(),
                records.stream().filter(r -> r.split() == Split.TRAIN).toList(),
                records.stream().filter(r -> r.split() == Split.VALIDATION).toList(), last);
    }

    @Transactional
    public void modelLoaded(String runId, String baseModelSha256, String device) {
        TrainingRun run = TrainingRun.findById(runId);
        run.baseModelSha256 = baseModelSha256;
        run.device = device;
    }

    @Transactional
    public void recordStep(String runId, TrainStepResult r) {
        RunStep step = new RunStep();
        step.runId = runId;
        step.step = r.step();
        step.loss = Double.isFinite(r.loss()) ? r.loss() : null;
        step.learningRate = r.lr();
        step.gradNorm = Double.isFinite(r.gradNorm()) ? r.gradNorm() : null;
        step.tokens = r.tokens();
        step.seconds = r.seconds();
        step.skipped = r.skipped();
        step.recordedAt = Instant.now();
        step.persist();
        TrainingRun run = TrainingRun.findById(runId);
        run.completedSteps = r.step();
    }

    @Transactional
    public int nextVersion(String adapterId) {
        return Checkpoint.nextVersion(adapterId);
    }

    @Transactional
    public Checkpoint recordCheckpoint(Checkpoint checkpoint) {
        checkpoint.persist();
        return checkpoint;
    }

    @Transactional
    public void markPublished(Long checkpointId) {
        Checkpoint c = Checkpoint.findById(checkpointId);
        if (c != null) {
            c.published = true;
        }
    }

    @Transactional
    public void finish(String runId, RunStatus status, String cause) {
        TrainingRun run = TrainingRun.findById(runId);
        if (run != null) {
            finish(run, status, cause);
        }
    }

    private static void finish(TrainingRun run, RunStatus status, String cause) {
        run.status = status;
        run.cause = cause;
        run.finishedAt = Instant.now();
        if (status == RunStatus.FAILED) {
            LOG.errorf("run %s failed: %s", run.id, cause);
        } else {
            LOG.infof("run %s %s after %d steps", run.id, status.name().toLowerCase(), run.completedSteps);
        }
    }

    /** Runs to pick up at start-up: interrupted ones first (they resume), then the queue in order. */
    @Transactional
    public List<String> recover() {
        List<String> ids = new ArrayList<>();
        TrainingRun.inStatus(RunStatus.RUNNING).forEach(r -> ids.add(r.id));
        TrainingRun.inStatus(RunStatus.QUEUED).forEach(r -> ids.add(r.id));
        return ids;
    }

    @Transactional
    public List<Checkpoint> unpublished() {
        return Checkpoint.unpublished();
    }
}
