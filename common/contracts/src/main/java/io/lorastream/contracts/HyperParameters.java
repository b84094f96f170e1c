package io.lorastream.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * LoRA and optimizer settings of a training run. Every field left out of a request takes the
 * reference run's value ({@link #defaults()}): r 16, alpha 16, dropout 0, the seven projections,
 * micro-batch 2 x grad-accum 4, 60 steps, lr 2e-4, max seq 2048, AdamW weight decay 0.01, linear
 * schedule with 5 warmup steps, grad-norm clip 1.0, seed 3407, loss on the completion only.
 */
public record HyperParameters(
        int loraR,
        double loraAlpha,
        double loraDropout,
        List<String> targetModules,
        int microBatchSize,
        int gradientAccumulationSteps,
        int maxSteps,
        double learningRate,
        int maxSeqLength,
        double weightDecay,
        Schedule lrSchedule,
        int warmupSteps,
        double adamBeta1,
        double adamBeta2,
        double adamEpsilon,
        double maxGradNorm,
        long seed,
        LossOn lossOn,
        int evalEverySteps) {

    /** The seven projections of a Llama block, in PEFT's module names. */
    public static final List<String> ALL_TARGETS =
            List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");

    /** Learning-rate schedule after warmup. */
    public enum Schedule {
        CONSTANT, LINEAR, COSINE;

        @JsonValue
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static Schedule parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (RuntimeException e) {
                throw new ContractException("unknown lrSchedule '" + s + "' (constant, linear or cosine)");
            }
        }
    }

    /** Which tokens the loss is taken over: the completion (label + eos) or all (the reference run's). */
    public enum LossOn {
        COMPLETION, ALL;

        @JsonValue
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static LossOn parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (RuntimeException e) {
                throw new ContractException("unknown lossOn '" + s + "' (completion or all)");
            }
        }
    }

    public HyperParameters {
        targetModules = List.copyOf(targetModules);
    }

    public static HyperParameters defaults() {
        return of(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null);
    }

    /** JSON creator: missing fields take the reference defaults. */
    @JsonCreator
    public static HyperParameters of(
            @JsonProperty("loraR") Integer loraR,
            @JsonProperty("loraAlpha") Double loraAlpha,
            @JsonProperty("loraDropout") Double loraDropout,
            @JsonProperty("targetModules") List<String> targetModules,
            @JsonProperty("microBatchSize") Integer microBatchSize,
            @JsonProperty("gradientAccumulationSteps") Integer gradientAccumulationSteps,
            @JsonProperty("maxSteps") Integer maxSteps,
            @JsonProperty("learningRate") Double learningRate,
            @JsonProperty("maxSeqLength") Integer maxSeqLength,
            @JsonProperty("weightDecay") Double weightDecay,
            @JsonProperty("lrSchedule") Schedule lrSchedule,
            @JsonProperty("warmupSteps") Integer warmupSteps,
            @JsonProperty("adamBeta1") Double adamBeta1,
            @JsonProperty("adamBeta2") Double adamBeta2,
            @JsonProperty("adamEpsilon") Double adamEpsilon,
            @JsonProperty("maxGradNorm") Double maxGradNorm,
            @JsonProperty("seed") Long seed,
            @JsonProperty("lossOn") LossOn lossOn,
            @JsonProperty("evalEverySteps") Integer evalEverySteps) {
        return new HyperParameters(
                or(loraR, 16), or(loraAlpha, 16.0), or(loraDropout, 0.0),
                targetModules == null ? ALL_TARGETS : normalizeTargets(targetModules),
                or(microBatchSize, 2), or(gradientAccumulationSteps, 4), or(maxSteps, 60),
                or(learningRate, 2e-4), or(maxSeqLength, 2048), or(weightDecay, 0.01),
                or(lrSchedule, Schedule.LINEAR), or(warmupSteps, 5), or(adamBeta1, 0.9), or(adamBeta2, 0.999),
                or(adamEpsilon, 1e-8), or(maxGradNorm, 1.0), or(seed, 3407L), or(lossOn, LossOn.COMPLETION),
                or(evalEverySteps, 20));
    }

    /**
     * Applies the non-null entries of {@code overrides} (same JSON names as the fields) over this set.
     * Used by REST endpoints that accept partial hyper-parameters.
     */
    public HyperParameters with(Map<String, Object> overrides) {
        Map<String, Object> merged = new java.util.LinkedHashMap<>(ContractJson.mapper().convertValue(this, Map.class));
        overrides.forEach((k, v) -> {
            if (!merged.containsKey(k)) {
                throw new ContractException("unknown hyper-parameter '" + k + "'");
            }
            if (v != null) {
                merged.put(k, v);
            }
        });
        try {
            return ContractJson.mapper().convertValue(merged, HyperParameters.class);
        } catch (IllegalArgumentException e) {
            throw new ContractException("invalid hyper-parameters: " + ContractJson.rootMessage(e), e);
        }
    }

    /** Every problem with these values, empty when they are valid; checks that need the model are the trainer's. */
    public List<String> problems() {
        List<String> p = new ArrayList<>();
        if (loraR <= 0) p.add("loraR must be > 0, was " + loraR);
        if (!(loraAlpha > 0)) p.add("loraAlpha must be > 0, was " + loraAlpha);
        if (!(loraDropout >= 0 && loraDropout < 1)) p.add("loraDropout must be in [0, 1), was " + loraDropout);
        if (targetModules.isEmpty()) p.add("targetModules must not be empty");
        for (String t : targetModules) {
            if (!ALL_TARGETS.contains(t)) p.add("unknown target module '" + t + "' (known: " + ALL_TARGETS + ")");
        }
        if (microBatchSize <= 0) p.add("microBatchSize must be > 0, was " + microBatchSize);
        if (gradientAccumulationSteps <= 0) p.add("gradientAccumulationSteps must be > 0, was " + gradientAccumulationSteps);
        if (maxSteps <= 0) p.add("maxSteps must be > 0, was " + maxSteps);
        if (!(learningRate > 0)) p.add("learningRate must be > 0, was " + learningRate);
        if (maxSeqLength <= 8) p.add("maxSeqLength must be > 8, was " + maxSeqLength);
        if (!(weightDecay >= 0)) p.add("weightDecay must be >= 0, was " + weightDecay);
        if (warmupSteps < 0) p.add("warmupSteps must be >= 0, was " + warmupSteps);
        if (!(adamBeta1 >= 0 && adamBeta1 < 1)) p.add("adamBeta1 must be in [0, 1), was " + adamBeta1);
        if (!(adamBeta2 >= 0 && adamBeta2 < 1)) p.add("adamBeta2 must be in [0, 1), was " + adamBeta2);
        if (!(adamEpsilon > 0)) p.add("adamEpsilon must be > 0, was " + adamEpsilon);
        if (!(maxGradNorm >= 0)) p.add("maxGradNorm must be >= 0 (0 disables clipping), was " + maxGradNorm);
        if (evalEverySteps <= 0) p.add("evalEverySteps must be > 0, was " + evalEverySteps);
        return p;
    }

    /** Total examples per optimizer step. */
    public int effectiveBatchSize() {
        return microBatchSize * gradientAccumulationSteps;
    }

    /** Accepts PEFT names ({@code q_proj}) and the short forms of the issue ({@code q}, {@code gate}). */
    static List<String> normalizeTargets(List<String> targets) {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (String t : targets) {
            String n = t == null ? "" : t.trim().toLowerCase(Locale.ROOT);
            out.add(n.endsWith("_proj") || n.isEmpty() ? n : n + "_proj");
        }
        return List.copyOf(out);
    }

    private static <T> T or(T value, T fallback) {
        return value == null ? fallback : value;
    }
}
