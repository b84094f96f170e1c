package io.lorastream.trainer.service;

import ai.djl.Device;
import io.lorastream.contracts.Digests;
import io.lorastream.contracts.HyperParameters;
import io.lorastream.contracts.PromptRecord;
import io.lorastream.contracts.SentimentLabel;
import io.lorastream.llm.Classification;
import io.lorastream.llm.ClassificationMetrics;
import io.lorastream.llm.DjlFlags;
import io.lorastream.llm.Evaluation;
import io.lorastream.llm.Example;
import io.lorastream.llm.LlamaModel;
import io.lorastream.llm.LlamaTokenizer;
import io.lorastream.llm.LoadOptions;
import io.lorastream.llm.LoraAdapter;
import io.lorastream.llm.LoraConfig;
import io.lorastream.llm.LoraTrainer;
import io.lorastream.llm.SentimentClassifier;
import io.lorastream.llm.TrainStepResult;
import io.lorastream.trainer.config.TrainerConfig;
import io.lorastream.trainer.domain.Checkpoint;
import io.lorastream.trainer.domain.ConfusionMatrix;
import io.lorastream.trainer.domain.RunStatus;
import io.lorastream.trainer.messaging.CheckpointPublisher;
import io.lorastream.trainer.service.RunLedger.Plan;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Executes one training run on the engine: loads (and keeps) the base model, builds the examples,
 * starts or resumes the trainer, and every {@code evalEverySteps} steps and at the end evaluates on
 * the validation records, saves adapter + trainer state to the artifact store, records the checkpoint
 * and publishes its event. Called only from the {@link TrainingWorker}'s thread.
 */
@ApplicationScoped
public class TrainingJob {
    static {
        DjlFlags.apply(); // @QuarkusTest never calls main(): set the flags before any DJL class loads
    }

    private static final Logger LOG = Logger.getLogger(TrainingJob.class);

    @Inject
    TrainerConfig config;

    @Inject
    ModelStore models;

    @Inject
    ArtifactStore artifacts;

    @Inject
    RunLedger ledger;

    @Inject
    CheckpointPublisher publisher;

    @Inject
    TrainingMetrics metrics;

    /** The base model of the last run, kept loaded for the next one. */
    private LlamaModel model;
    private String modelRef;

    /**
     * Runs {@code runId} until it completes, fails, is cancelled or the service stops.
     *
     * @param stop polled before every step: CANCELLED to cancel, RUNNING to stop and resume later, null to go on
     */
    public void execute(String runId, Supplier<RunStatus> stop) {
        Plan plan = ledger.start(runId);
        if (plan == null) {
            return;
        }
        try {
            RunStatus end = train(plan, stop);
            if (end != RunStatus.RUNNING) {
                ledger.finish(runId, end, end == RunStatus.CANCELLED ? "cancelled on request" : null);
                metrics.ended(runId, end.name().toLowerCase());
            } else {
                metrics.ended(runId, "interrupted");
                LOG.infof("run %s stopped with the service; it resumes from its last checkpoint at the next start", runId);
            }
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            LOG.errorf(e, "run %s failed", runId);
            ledger.finish(runId, RunStatus.FAILED, describe(e));
            metrics.ended(runId, "failed");
        }
    }

    private RunStatus train(Plan plan, Supplier<RunStatus> stop) {
        HyperParameters hp = plan.hp();
        LlamaModel model = model(plan.baseModel());
        ledger.modelLoaded(plan.runId(), model.baseModelSha256(), model.device().toString());
        LlamaTokenizer tok = model.tokenizer();
        int maxSeq = Math.min(hp.maxSeqLength(), model.maxSeqLength());
        List<Example> train = plan.train().stream().map(r -> Example.forTraining(tok, r, maxSeq)).toList();
        if (train.isEmpty()) {
            throw new IllegalStateException("dataset '" + plan.datasetId() + "' has no train records");
        }
        Validation validation = validation(model, plan, maxSeq);

        LoraAdapter fresh = null;
        LoraTrainer trainer;
        Checkpoint from = plan.resumeFrom();
        if (from != null) { // the resumed trainer owns the adapter it loads from the checkpoint
            trainer = LoraTrainer.resume(model, artifacts.stateDir(from.adapterId, from.version), hp, train);
        } else {
            fresh = LoraAdapter.init(model, LoraConfig.from(hp), hp.seed());
            try {
                trainer = new LoraTrainer(model, fresh, hp, train);
            } catch (RuntimeException e) {
                fresh.close();
                throw e;
            }
        }
        LOG.infof("run %s: %s on %s, %d train / %d validation examples, %d trainable parameters, from step %d of %d",
                plan.runId(), from != null ? "resuming" : "starting", model.device(), train.size(),
                validation.examples().size(), trainer.adapter().trainableParameters(), trainer.completedSteps(),
                hp.maxSteps());
        try (trainer) {
            double lossSum = 0;
            int lossSteps = 0;
            double seconds = 0;
            int sessionSteps = 0;
            while (!trainer.finished()) {
                RunStatus reason = stop.get();
                if (reason != null) {
                    return reason;
                }
                TrainStepResult r = trainer.step();
                ledger.recordStep(plan.runId(), r);
                seconds += r.seconds();
                sessionSteps++;
                metrics.step(plan.runId(), r, hp.maxSteps(), seconds / sessionSteps);
                if (Double.isFinite(r.loss())) {
                    lossSum += r.loss();
                    lossSteps++;
                }
                boolean last = trainer.finished();
                if (r.step() % hp.evalEverySteps() == 0 || last) {
                    checkpoint(plan, model, trainer, validation, lossSteps > 0 ? lossSum / lossSteps : null, last);
                    lossSum = 0;
                    lossSteps = 0;
                }
            }
            return RunStatus.COMPLETED;
        } finally {
            if (fresh != null) {
                fresh.close();
            }
        }
    }

    /** Validation examples, their records (for classification) and the label set. */
    private record Validation(List<Example> examples, List<PromptRecord> records, SentimentClassifier classifier) {}

    private Validation validation(LlamaModel model, Plan plan, int maxSeq) {
        List<PromptRecord> records = plan.validation();
        if (config.evalMaxRecords() > 0 && records.size() > config.evalMaxRecords()) {
            records = records.subList(0, config.evalMaxRecords());
        }
        List<Example> examples = records.stream().map(r -> Example.forTraining(model.tokenizer(), r, maxSeq)).toList();
        List<String> labels = labels(plan.train(), plan.validation());
        SentimentClassifier classifier = records.isEmpty() ? null
                : new SentimentClassifier(model, labels, config.evalBatchSize());
        return new Validation(examples, records, classifier);
    }

    /** TweetEval's three labels in id order when the data use them, otherwise the outputs seen, sorted. */
    static List<String> labels(List<PromptRecord> train, List<PromptRecord> validation) {
        List<String> seen = new ArrayList<>();
        train.forEach(r -> { if (!seen.contains(r.output())) seen.add(r.output()); });
        validation.forEach(r -> { if (!seen.contains(r.output())) seen.add(r.output()); });
        if (SentimentLabel.texts().containsAll(seen)) {
            return SentimentLabel.texts();
        }
        seen.sort(null);
        return seen;
    }

    private void checkpoint(Plan plan, LlamaModel model, LoraTrainer trainer, Validation validation, Double trainLoss,
            boolean last) {
        HyperParameters hp = plan.hp();
        LoraAdapter adapter = trainer.adapter();
        Double valLoss = null;
        ClassificationMetrics cm = null;
        if (!validation.examples().isEmpty()) {
            Instant t0 = Instant.now();
            valLoss = Evaluation.loss(model, adapter, validation.examples(), config.evalBatchSize(), hp.lossOn());
            List<Classification> predicted = validation.classifier()
                    .classify(validation.records().stream().map(PromptRecord::input).toList(), adapter);
            cm = ClassificationMetrics.of(validation.records().stream().map(PromptRecord::output).toList(),
                    predicted.stream().map(Classification::label).toList(), validation.classifier().labels());
            metrics.evaluated(Duration.between(t0, Instant.now()));
        }
        Instant t1 = Instant.now();
        String adapterId = plan.adapterId();
        int version = ledger.nextVersion(adapterId);
        Path staged = artifacts.staging(adapterId, version);
        adapter.savePeft(staged, plan.baseModel());
        trainer.saveState(staged.resolve(ArtifactStore.STATE_DIR));
        Path dir = artifacts.commit(staged, adapterId, version);

        Checkpoint c = new Checkpoint();
        c.runId = plan.runId();
        c.adapterId = adapterId;
        c.version = version;
        c.step = trainer.completedSteps();
        c.finalCheckpoint = last;
        c.adapterUri = artifacts.uri(adapterId, version).toString();
        c.adapterSha256 = Digests.adapterSha256(dir);
        c.baseModelId = plan.baseModel();
        c.baseModelSha256 = model.baseModelSha256();
        c.trainLoss = trainLoss;
        c.validationLoss = valLoss;
        c.accuracy = cm == null ? null : cm.accuracy();
        c.macroRecall = cm == null ? null : cm.macroRecall();
        c.macroF1 = cm == null ? null : cm.macroF1();
        c.confusionMatrix = cm == null ? null : ConfusionMatrix.of(cm).toJson();
        c.lossOn = hp.lossOn().wireName();
        c.createdAt = Instant.now();
        ledger.recordCheckpoint(c);
        metrics.checkpointed(Duration.between(t1, Instant.now()));
        LOG.infof("run %s checkpoint %s@%d at step %d: train loss %s, validation loss %s, %s", plan.runId(), adapterId,
                version, c.step, trainLoss, valLoss, cm == null ? "no validation records" : cm);
        try {
            publisher.publishPending();
        } catch (RuntimeException e) { // training goes on; unpublished events are sent again later
            LOG.errorf(e, "run %s: cannot publish checkpoint %s@%d yet", plan.runId(), adapterId, version);
        }
    }

    /** The base model, loaded once and kept while runs use the same one. */
    private LlamaModel model(String ref) {
        if (model != null && ref.equals(modelRef)) {
            return model;
        }
        close();
        Path folder = models.resolve(ref);
        LoadOptions options = LoadOptions.defaults();
        switch (config.device()) {
            case "cpu" -> options = options.withDevice(Device.cpu());
            case "gpu" -> options = options.withDevice(Device.gpu());
            default -> { } // auto: GPU when present
        }
        long t0 = System.nanoTime();
        model = LlamaModel.load(folder, options);
        modelRef = ref;
        LOG.infof("loaded base model %s from %s on %s in %.1f s", ref, folder, model.device(),
                (System.nanoTime() - t0) / 1e9);
        return model;
    }

    @PreDestroy
    void close() {
        if (model != null) {
            model.close();
            model = null;
            modelRef = null;
        }
    }

    /** A failure as a run's cause: the exception chain, type and message. */
    static String describe(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null && sb.length() < 2000; c = c.getCause() == c ? null : c.getCause()) {
            sb.append(sb.length() == 0 ? "" : "; caused by ").append(c.getClass().getSimpleName());
            if (c.getMessage() != null) {
                sb.append(": ").append(c.getMessage());
            }
        }
        return sb.length() > 2000 ? sb.substring(0, 2000) : sb.toString();
    }
}
