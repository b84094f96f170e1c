package io.lorastream.trainer.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonRawValue;
import io.lorastream.trainer.domain.Checkpoint;
import io.lorastream.trainer.domain.RunStatus;
import io.lorastream.trainer.domain.RunStep;
import io.lorastream.trainer.domain.TrainingRun;
import io.lorastream.trainer.service.TrainingMetrics;
import java.time.Instant;
import java.util.List;

/**
 * A run as the REST API shows it. The list leaves out the hyper-parameters, loss curve and checkpoints;
 * {@code progress} is present while this process trains it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunView(
        String id,
        String requestId,
        String datasetId,
        String baseModel,
        String baseModelSha256,
        String adapterId,
        RunStatus status,
        String cause,
        String device,
        int completedSteps,
        int maxSteps,
        Integer trainRecords,
        Integer validationRecords,
        int resumeCount,
        Integer resumedFromStep,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        @JsonRawValue String hyperParameters,
        Progress progress,
        List<StepPoint> lossCurve,
        List<CheckpointView> checkpoints) {

    /** Live figures of the latest step. */
    public record Progress(int step, int maxSteps, double loss, double learningRate, double tokensPerSecond,
            double secondsPerStep, double etaSeconds, Instant updatedAt) {}

    /** One point of the loss curve. */
    public record StepPoint(int step, Double loss, double learningRate, Double gradNorm, int tokens, double seconds,
            boolean skipped) {}

    public record CheckpointView(String adapterId, int version, int step, boolean finalCheckpoint, String adapterUri,
            String adapterSha256, Double trainLoss, Double validationLoss, Double accuracy, Double macroRecall,
            Double macroF1, String lossOn, @JsonRawValue String confusionMatrix, boolean published, Instant createdAt,
            HubView hub) {}

    /** The checkpoint's latest Hub publication ({@code POST /runs/{id}/publish}); absent when never tried. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record HubView(Checkpoint.HubStatus status, String repo, String revision,
            @JsonProperty("private") Boolean privateRepo, String commit, String uri, String adapterSha256, String errorKind, String error, Instant attemptedAt,
            Instant publishedAt) {
        static HubView of(Checkpoint c) {
            return c.hubStatus == null ? null : new HubView(c.hubStatus, c.hubRepo, c.hubRevision, c.hubPrivate,
                    c.hubCommit, c.hubUri, c.hubAdapterSha256, c.hubErrorKind, c.hubError, c.hubAttemptedAt,
                    c.hubPublishedAt);
        }
    }

    public static RunView summary(TrainingRun r, TrainingMetrics.Progress live) {
        return of(r, live, null, null, null);
    }

    public static RunView detail(TrainingRun r, TrainingMetrics.Progress live, List<RunStep> steps, List<Checkpoint> cps) {
        return of(r, live, r.hyperParameters,
                steps.stream().map(s -> new StepPoint(s.step, s.loss, s.learningRate, s.gradNorm, s.tokens, s.seconds,
                        s.skipped)).toList(),
                cps.stream().map(c -> new CheckpointView(c.adapterId, c.version, c.step, c.finalCheckpoint, c.adapterUri,
                        c.adapterSha256, c.trainLoss, c.validationLoss, c.accuracy, c.macroRecall, c.macroF1, c.lossOn,
                        c.confusionMatrix, c.published, c.createdAt, HubView.of(c))).toList());
    }

    private static RunView of(TrainingRun r, TrainingMetrics.Progress live, String hp, List<StepPoint> curve,
            List<CheckpointView> cps) {
        Progress progress = live == null || r.status != RunStatus.RUNNING ? null
                : new Progress(live.step(), live.maxSteps(), live.loss(), live.learningRate(), live.tokensPerSecond(),
                        live.secondsPerStep(), live.etaSeconds(), live.updatedAt());
        return new RunView(r.id, r.requestId, r.datasetId, r.baseModel, r.baseModelSha256, r.adapterId, r.status, r.cause,
                r.device, r.completedSteps, r.maxSteps, r.trainRecords, r.validationRecords, r.resumeCount,
                r.resumedFromStep, r.createdAt, r.startedAt, r.finishedAt, hp, progress, curve, cps);
    }
}
