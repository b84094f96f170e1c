package io.lorastream.hub;

import io.lorastream.contracts.CheckpointMetrics;
import io.lorastream.contracts.HyperParameters;
import io.lorastream.contracts.SentimentLabel;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the model card says about one published adapter; the trainer fills it from its run record. Any
 * nullable field left null is left out of the card.
 *
 * @param repo where the adapter is published
 * @param baseModelId the base model as a Hub id ({@code unsloth/Meta-Llama-3.1-8B-Instruct-bnb-4bit}) or a
 *     local name; only a Hub id goes into the {@code base_model} front matter
 * @param license the Hub license id; null derives it: {@code llama3.1} for a Llama 3.1 base, else {@code other}
 * @param trainExamples / validationExamples dataset sample sizes
 * @param lossCurve per-step losses (validation loss only at evaluation steps)
 * @param metrics the chosen checkpoint's validation metrics
 * @param confusionMatrix counts, rows = true label, columns = predicted label, both in {@code labels} order
 */
public record ModelCardData(
        RepoId repo,
        String baseModelId,
        String baseModelSha256,
        String license,
        String runId,
        String adapterId,
        Integer adapterVersion,
        Integer step,
        String adapterSha256,
        HyperParameters hyperParameters,
        String datasetId,
        String datasetSha256,
        Integer trainExamples,
        Integer validationExamples,
        List<LossPoint> lossCurve,
        CheckpointMetrics metrics,
        List<String> labels,
        List<List<Long>> confusionMatrix,
        Instant createdAt) {

    /** One row of the loss table. */
    public record LossPoint(int step, Double trainLoss, Double validationLoss) {}

    public ModelCardData {
        Objects.requireNonNull(repo, "repo");
        Objects.requireNonNull(baseModelId, "baseModelId");
        hyperParameters = hyperParameters == null ? HyperParameters.defaults() : hyperParameters;
        lossCurve = lossCurve == null ? List.of() : List.copyOf(lossCurve);
        metrics = metrics == null ? new CheckpointMetrics(null, null, null, null, null, null) : metrics;
        labels = labels == null ? SentimentLabel.texts() : List.copyOf(labels);
        if (confusionMatrix != null) {
            confusionMatrix = confusionMatrix.stream().map(List::copyOf).toList();
            int n = labels.size();
            if (confusionMatrix.size() != n || confusionMatrix.stream().anyMatch(row -> row.size() != n)) {
                throw new IllegalArgumentException("confusion matrix must be " + labels.size() + " x " + labels.size()
                        + " (labels " + labels + ")");
            }
        }
    }

    /** A card with only the mandatory parts; add the rest with the {@code with...} methods. */
    public static ModelCardData of(RepoId repo, String baseModelId) {
        return new ModelCardData(repo, baseModelId, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null);
    }

    public ModelCardData withLicense(String license) {
        return new ModelCardData(repo, baseModelId, baseModelSha256, license, runId, adapterId, adapterVersion, step,
                adapterSha256, hyperParameters, datasetId, datasetSha256, trainExamples, validationExamples, lossCurve,
                metrics, labels, confusionMatrix, createdAt);
    }

    public ModelCardData withRun(String runId, String adapterId, Integer adapterVersion, Integer step,
            HyperParameters hyperParameters, Instant createdAt) {
        return new ModelCardData(repo, baseModelId, baseModelSha256, license, runId, adapterId, adapterVersion, step,
                adapterSha256, hyperParameters, datasetId, datasetSha256, trainExamples, validationExamples, lossCurve,
                metrics, labels, confusionMatrix, createdAt);
    }

    public ModelCardData withDigests(String baseModelSha256, String adapterSha256) {
        return new ModelCardData(repo, baseModelId, baseModelSha256, license, runId, adapterId, adapterVersion, step,
                adapterSha256, hyperParameters, datasetId, datasetSha256, trainExamples, validationExamples, lossCurve,
                metrics, labels, confusionMatrix, createdAt);
    }

    public ModelCardData withDataset(String datasetId, String datasetSha256, Integer trainExamples,
            Integer validationExamples) {
        return new ModelCardData(repo, baseModelId, baseModelSha256, license, runId, adapterId, adapterVersion, step,
                adapterSha256, hyperParameters, datasetId, datasetSha256, trainExamples, validationExamples, lossCurve,
                metrics, labels, confusionMatrix, createdAt);
    }

    public ModelCardData withResults(List<LossPoint> lossCurve, CheckpointMetrics metrics, List<String> labels,
            List<List<Long>> confusionMatrix) {
        return new ModelCardData(repo, baseModelId, baseModelSha256, license, runId, adapterId, adapterVersion, step,
                adapterSha256, hyperParameters, datasetId, datasetSha256, trainExamples, validationExamples, lossCurve,
                metrics, labels, confusionMatrix, createdAt);
    }
}
