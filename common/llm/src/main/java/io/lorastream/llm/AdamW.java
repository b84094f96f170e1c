package io.lorastream.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import io.lorastream.contracts.HyperParameters;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW with decoupled weight decay, op for op as {@code torch.optim.AdamW} (single-tensor path, the
 * CPU default): {@code p *= 1 - lr*wd; m = lerp(m, g, 1-b1); v = b2*v + (1-b2)*g*g;
 * p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps)}. Parameters are the fp32 master LoRA weights;
 * the moments live in this optimizer's own manager so that step scopes never close them.
 */
public final class AdamW implements AutoCloseable {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final NDManager stateManager;
    private final Map<String, NDArray> firstMoment = new LinkedHashMap<>();
    private final Map<String, NDArray> secondMoment = new LinkedHashMap<>();
    private int steps;

    public AdamW(double beta1, double beta2, double eps, double weightDecay, NDManager parent) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.stateManager = parent.newSubManager();
    }

    public static AdamW from(HyperParameters hp, NDManager parent) {
        return new AdamW(hp.adamBeta1(), hp.adamBeta2(), hp.adamEpsilon(), hp.weightDecay(), parent);
    }

    /** Updates (applied) so far; the bias correction uses it. */
    public int steps() {
        return steps;
    }

    /**
     * One update of every parameter in place, outside autograd. {@code grads} holds a gradient for each
     * name in {@code params}; a gradient in another dtype (fp16 compute) is upcast first.
     */
    public void step(Map<String, NDArray> params, Map<String, NDArray> grads, double lr) {
        steps++;
        double biasCorrection1 = 1 - Math.pow(beta1, steps);
        double biasCorrection2Sqrt = Math.sqrt(1 - Math.pow(beta2, steps));
        double stepSize = lr / biasCorrection1;
        try (NDScope scope = new NDScope()) { // closes every temporary of the update
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                NDArray p = e.getValue();
                if (p.getDataType() != DataType.FLOAT32) {
                    throw new IllegalStateException("AdamW keeps fp32 master weights; " + e.getKey() + " is " + p.getDataType());
                }
                NDArray g = grads.get(e.getKey());
                if (g == null) {
                    throw new IllegalArgumentException("no gradient for " + e.getKey());
                }
                if (g.getDataType() != DataType.FLOAT32) {
                    g = g.toType(DataType.FLOAT32, false);
                }
                NDArray m = moment(firstMoment, e.getKey(), p);
                NDArray v = moment(secondMoment, e.getKey(), p);
                p.muli(1 - lr * weightDecay);
                m.addi(g.sub(m).muli(1 - beta1));                 // torch: exp_avg.lerp_(grad, 1 - beta1)
                v.muli(beta2).addi(g.mul(g).muli(1 - beta2));     // torch: exp_avg_sq.mul_(b2).addcmul_(g, g, 1 - b2)
                NDArray denom = v.sqrt().divi(biasCorrection2Sqrt).addi(eps);
                p.subi(m.div(denom).muli(stepSize));
            }
        }
    }

    private NDArray moment(Map<String, NDArray> moments, String name, NDArray like) {
        NDArray m = moments.get(name);
        if (m == null) {
            m = stateManager.zeros(like.getShape(), DataType.FLOAT32, like.getDevice());
            NDScope.unregister(m); // created inside the update's scope, but must outlive it
            moments.put(name, m);
        }
        return m;
    }

    /** The first and second moments of one parameter (for tests and inspection), or null before its first update. */
    public NDArray[] moments(String name) {
        NDArray m = firstMoment.get(name);
        return m == null ? null : new NDArray[] {m, secondMoment.get(name)};
    }

    /** Writes both moments as safetensors ({@code m.<name>}, {@code v.<name>}); exact for fp32. */
    public void save(Path file) throws IOException {
        NDList list = new NDList();
        firstMoment.forEach((name, m) -> {
            m.setName("m." + name);
            list.add(m);
        });
        secondMoment.forEach((name, v) -> {
            v.setName("v." + name);
            list.add(v);
        });
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            list.encode(out, NDList.Encoding.SAFETENSORS);
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** Restores moments written by {@link #save} and the update count (kept by the caller's state file). */
    public void load(Path file, int steps) throws IOException {
        firstMoment.values().forEach(NDArray::close);
        secondMoment.values().forEach(NDArray::close);
        firstMoment.clear();
        secondMoment.clear();
        NDList list;
        try (InputStream in = Files.newInputStream(file)) {
            list = NDList.decode(stateManager, in);
        }
        for (NDArray a : list) {
            String name = a.getName();
            if (name.startsWith("m.")) {
                firstMoment.put(name.substring(2), a);
            } else if (name.startsWith("v.")) {
                secondMoment.put(name.substring(2), a);
            } else {
                throw new IOException("unexpected tensor '" + name + "' in optimizer state " + file);
            }
        }
        if (!firstMoment.keySet().equals(secondMoment.keySet())) {
            throw new IOException("optimizer state " + file + " has unmatched moments");
        }
        this.steps = steps;
    }

    @Override
    public void close() {
        stateManager.close();
    }
}
