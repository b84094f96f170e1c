package io.lorastream.contracts;

/**
 * Metrics of a checkpoint on the validation records. Any value may be null when not measured.
 *
 * @param macroRecall TweetEval's official metric: recall averaged over the labels
 * @param lossOn which tokens the losses were taken over ({@code completion} or {@code all})
 */
public record CheckpointMetrics(
        Double trainLoss,
        Double validationLoss,
        Double accuracy,
        Double macroRecall,
        Double macroF1,
        String lossOn) {}
