package io.lorastream.llm;

import io.lorastream.contracts.HyperParameters;
import io.lorastream.contracts.HyperParameters.Schedule;

/**
 * Learning rate per optimizer step, as Hugging Face's {@code get_*_schedule_with_warmup}: the update of
 * step {@code s} (counted from 0) uses {@code lr * factor(s)}, so the very first step of a warmed-up run
 * has lr 0 — exactly what the reference run (and decisions.md) does.
 */
public record LrSchedule(Schedule kind, double peakLr, int warmupSteps, int totalSteps) {

    public LrSchedule {
        if (warmupSteps < 0 || totalSteps <= 0) {
            throw new IllegalArgumentException("warmupSteps must be >= 0 and totalSteps > 0, were "
                    + warmupSteps + " / " + totalSteps);
        }
    }

    public static LrSchedule of(HyperParameters hp) {
        return new LrSchedule(hp.lrSchedule(), hp.learningRate(), hp.warmupSteps(), hp.maxSteps());
    }

    /** The learning rate used by optimizer step {@code step} (0-based). */
    public double lr(int step) {
        return peakLr * factor(step);
    }

    /** The multiplier of the peak lr; HF's lr_lambda, including its max(1, ...) guards. */
    public double factor(int step) {
        if (step < warmupSteps) {
            return (double) step / Math.max(1, warmupSteps);
        }
        double progress = (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
        return switch (kind) {
            case CONSTANT -> 1.0;
            case LINEAR -> Math.max(0.0, (double) (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
            // HF's cosine with num_cycles = 0.5: one half cosine from peak to 0 over the decay steps
            case COSINE -> Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * progress)));
        };
    }
}
