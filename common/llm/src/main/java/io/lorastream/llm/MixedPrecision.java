package io.lorastream.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Float16 training with float32 master weights, as torch.amp does it: the forward runs on float16
 * copies of the LoRA weights (DJL cannot cast differentiably, so the copies are the leaves that receive
 * gradients), the loss is multiplied by a dynamic scale so small float16 gradients do not flush to zero,
 * and the unscaled float32 gradients update the masters, which are then copied back. The scale follows
 * torch.cuda.amp.GradScaler: halve it on a non-finite step (the step is skipped), double it after
 * {@link #GROWTH_INTERVAL} clean steps.
 */
final class MixedPrecision implements AutoCloseable {
    static final double INITIAL_SCALE = 1024; // GradScaler starts at 65536; short LoRA runs cannot afford its early overflow skips
    static final int GROWTH_INTERVAL = 2000;

    private final LoraAdapter working;
    /** PEFT name to float16 working weight, in the masters' order. */
    private final Map<String, NDArray> parameters;
    private double scale;
    private int cleanSteps;

    MixedPrecision(LoraAdapter master, DataType computeType, double scale, int cleanSteps) {
        this.working = master.castCopy(computeType);
        this.parameters = new LinkedHashMap<>(working.peftTensors());
        this.scale = scale;
        this.cleanSteps = cleanSteps;
        for (NDArray p : parameters.values()) {
            p.setRequiresGradient(true);
        }
    }

    /** The adapter the forward uses. */
    LoraAdapter working() {
        return working;
    }

    double scale() {
        return scale;
    }

    int cleanSteps() {
        return cleanSteps;
    }

    /** The float32 gradients divided by the loss scale (new arrays: scope them). */
    Map<String, NDArray> unscaledGradients() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        parameters.forEach((name, p) -> {
            NDArray g = p.getGradient();
            out.put(name, g.toType(DataType.FLOAT32, true).divi(scale));
            g.close();
        });
        return out;
    }

    void restore(double scale, int cleanSteps) {
        this.scale = scale;
        this.cleanSteps = cleanSteps;
    }

    /** GradScaler.update: back off after an overflow, grow after a run of clean steps. */
    void update(boolean finite) {
        if (!finite) {
            scale *= 0.5;
            cleanSteps = 0;
        } else if (++cleanSteps == GROWTH_INTERVAL) {
            scale *= 2;
            cleanSteps = 0;
        }
    }

    /** Copies the updated masters into the working weights (in place, outside autograd). */
    void copyFrom(Map<String, NDArray> masters) {
        try (NoGradScope noGrad = NoGradScope.enter()) {
            parameters.forEach((name, w) -> {
                try (NDArray cast = masters.get(name).toType(w.getDataType(), true)) {
                    w.set(new NDIndex("..."), cast);
                }
            });
        }
    }

    void zeroGradients() {
        for (NDArray p : parameters.values()) {
            JniUtils.zeroGrad((PtNDArray) p);
        }
    }

    @Override
    public void close() {
        working.close();
    }
}
