package io.lorastream.llm;

import io.lorastream.contracts.HyperParameters;
import java.util.List;

/**
 * LoRA hyper-parameters as PEFT names them: rank {@code r}, {@code lora_alpha}, {@code lora_dropout},
 * {@code target_modules}; the update is scaled by {@code alpha / r}.
 */
public record LoraConfig(int r, double alpha, double dropout, List<String> targetModules) {

    /** The seven projections of a Llama block, in PEFT's module names and layer order. */
    public static final List<String> ALL_TARGETS = HyperParameters.ALL_TARGETS;

    public LoraConfig {
        targetModules = List.copyOf(targetModules);
        if (r <= 0) {
            throw new IllegalArgumentException("LoRA r must be > 0, was " + r);
        }
        if (!(alpha > 0)) {
            throw new IllegalArgumentException("lora_alpha must be > 0, was " + alpha);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("lora_dropout must be in [0, 1), was " + dropout);
        }
        if (targetModules.isEmpty()) {
            throw new IllegalArgumentException("target_modules must not be empty");
        }
        for (String t : targetModules) {
            if (!ALL_TARGETS.contains(t)) {
                throw new IllegalArgumentException("unknown target module '" + t + "' (known: " + ALL_TARGETS + ")");
            }
        }
    }

    public static LoraConfig from(HyperParameters hp) {
        return new LoraConfig(hp.loraR(), hp.loraAlpha(), hp.loraDropout(), hp.targetModules());
    }

    public float scaling() {
        return (float) (alpha / r);
    }

    public boolean targets(String module) {
        return targetModules.contains(module);
    }
}
