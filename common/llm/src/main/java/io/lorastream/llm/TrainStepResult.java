package io.lorastream.llm;

/**
 * What one optimizer step did.
 *
 * @param step        the step's number, from 1 (= completed steps after it)
 * @param loss        mean cross-entropy over the step's label tokens (all micro-batches), NaN if non-finite
 * @param lr          learning rate the update used (0 on a warmed-up run's first step, as in HF)
 * @param gradNorm    total L2 norm of the LoRA gradients before clipping
 * @param labelTokens tokens the loss was taken over
 * @param tokens      real (non-padding) tokens processed, for throughput
 * @param seconds     wall time of the step
 * @param skipped     true when the loss or a gradient was NaN/inf: no update was applied
 */
public record TrainStepResult(int step, double loss, double lr, double gradNorm, int labelTokens, int tokens,
        double seconds, boolean skipped) {

    public double tokensPerSecond() {
        return seconds > 0 ? tokens / seconds : 0;
    }
}
