package io.lorastream.cli;

import java.util.List;
import java.util.Map;

/**
 * What the main job measured, from ingest to live traffic: the content of the printed report and
 * of the HTML page.
 *
 * @param lossOn which tokens the losses were taken over (completion or all)
 * @param confusion rows = gold label, columns = predicted label, in {@code labels} order
 */
record RunReport(
        String datasetId,
        Map<String, Long> datasetCounts,
        String baseModel,
        String runId,
        String adapter,
        String lossOn,
        List<LossPoint> losses,
        double trainingSeconds,
        double swapSeconds,
        List<String> labels,
        int[][] confusion,
        double accuracy,
        double macroRecall,
        double macroF1,
        long tweets,
        double tweetsPerSecond,
        double latencyP50Ms,
        double latencyP99Ms) {

    /** One optimizer step; {@code validationLoss} is null on steps without an evaluation. */
    record LossPoint(int step, double trainLoss, Double validationLoss) {}
}
