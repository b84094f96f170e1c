package io.lorastream.llm;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import io.lorastream.contracts.Digests;
import io.lorastream.contracts.HyperParameters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * LoRA fine-tuning of a (4-bit) Llama: one {@link #step()} is one optimizer step over
 * {@code gradientAccumulationSteps} micro-batches.
 *
 * <ul>
 *   <li>Loss: cross-entropy summed over the step's label tokens divided by their total count, so
 *       accumulation equals one larger batch (decisions.md; HF/PEFT average per micro-batch instead).
 *   <li>Update: grad-norm clipping as {@code torch.nn.utils.clip_grad_norm_}, then {@link AdamW} at the
 *       {@link LrSchedule}'s rate. A step whose loss or gradient norm is NaN/inf applies no update and
 *       is reported {@code skipped}; its data is consumed and the schedule moves on.
 *   <li>Determinism: data order is a pure function of (seed, epoch) ({@link Batching#epochPlan}), and
 *       torch's RNG (LoRA dropout) is reseeded from (seed, step, micro-batch, layer) before every
 *       layer, so on CPU a run is bit-reproducible and {@link #saveState}/{@link #resume} continue it
 *       bit-identically.
 *   <li>Float16 compute (CUDA): float16 working copies of the LoRA weights take the gradients, a dynamic
 *       loss scale keeps them from underflowing, float32 masters are updated ({@link MixedPrecision}).
 *   <li>Activation checkpointing (option): forward keeps only each layer's input; backward recomputes
 *       the layers in reverse with gradients on and back-propagates the upstream gradient through each
 *       (decisions.md "GPU and memory"). Same numbers, far less activation memory for long sequences.
 * </ul>
 * Not thread-safe; DJL allows one gradient collector at a time per process.
 */
public final class LoraTrainer implements AutoCloseable {
    public static final String OPTIMIZER_FILE = "optimizer.safetensors";
    public static final String ADAPTER_DIR = "adapter";

    private final LlamaModel model;
    private final LoraAdapter adapter;
    private final boolean ownsAdapter;
    private final HyperParameters hp;
    private final List<Example> train;
    private final String trainSha256;
    private final int padId;
    private final LrSchedule schedule;
    private final NDManager root;
    private final AdamW optimizer;
    /** PEFT tensor name to master weight: what the optimizer updates. */
    private final Map<String, NDArray> parameters;
    /** Float16 working weights and loss scaling when the model computes in float16; null in float32. */
    private final MixedPrecision mixed;
    private boolean activationCheckpointing;
    private boolean mergedAccumulation;
    /** A caller-given micro-batch order (indices into train) replacing the seeded plan; null = seeded. */
    private List<int[]> fixedPlan;
    private TrainingProgress progress = r -> { };
    /** Test hook: sees the accumulated (unclipped) gradients of each step, by PEFT name. */
    private java.util.function.Consumer<Map<String, NDArray>> gradientInspector = g -> { };

    private int completedSteps;
    private int epoch;
    private int nextMicroBatch;
    private List<int[]> plan;

    /**
     * @param model   the (frozen) base model
     * @param adapter the LoRA weights to train, matching {@code hp}'s r, alpha and targets; it gets
     *                gradients attached while the trainer is open and stays the caller's
     * @param train   examples, each at most the model's {@code max_position_embeddings} long
     */
    public LoraTrainer(LlamaModel model, LoraAdapter adapter, HyperParameters hp, List<Example> train) {
        this(model, adapter, false, hp, train);
    }

    private LoraTrainer(LlamaModel model, LoraAdapter adapter, boolean ownsAdapter, HyperParameters hp,
            List<Example> train) {
        List<String> problems = hp.problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid hyper-parameters: " + String.join("; ", problems));
        }
        LoraConfig expected = LoraConfig.from(hp);
        LoraConfig actual = adapter.config();
        if (actual.r() != expected.r() || actual.alpha() != expected.alpha() || actual.dropout() != expected.dropout()
                || !actual.targetModules().equals(expected.targetModules())) {
            throw new IllegalArgumentException("adapter " + actual + " does not match the hyper-parameters " + expected);
        }
        if (train.isEmpty()) {
            throw new IllegalArgumentException("no training examples");
        }
        for (Example e : train) {
            if (e.length() > model.maxSeqLength()) {
                throw new IllegalArgumentException("an example of " + e.length() + " tokens exceeds the model's "
                        + "max_position_embeddings " + model.maxSeqLength() + ": build examples with maxSeq <= it");
            }
        }
        this.model = model;
        this.adapter = adapter;
        this.ownsAdapter = ownsAdapter;
        this.hp = hp;
        this.train = List.copyOf(train);
        this.trainSha256 = fingerprint(this.train);
        this.padId = model.tokenizer().padId();
        this.schedule = LrSchedule.of(hp);
        this.root = NDManager.newBaseManager(model.device());
        this.optimizer = AdamW.from(hp, root);
        this.parameters = new LinkedHashMap<>(adapter.peftTensors());
        if (model.computeType() == DataType.FLOAT32) {
            this.mixed = null;
            for (NDArray p : parameters.values()) {
                p.setRequiresGradient(true); // torch requires_grad_: gradients accumulate in .grad
            }
        } else {
            this.mixed = new MixedPrecision(adapter, model.computeType(), MixedPrecision.INITIAL_SCALE, 0);
        }
        zeroGradients();
    }

    // ------------------------------------------------------------------ options

    /** Recompute each layer in backward instead of keeping its activations (long sequences, 8B on GPU). */
    public LoraTrainer withActivationCheckpointing(boolean on) {
        this.activationCheckpointing = on;
        return this;
    }

    /**
     * Runs each optimizer step's micro-batches as one padded batch. The loss is already normalised by
     * the step's total label tokens, so the update is the same math with fewer, larger kernels (dropout
     * masks differ when dropout is on). Costs the memory of the larger batch.
     */
    public LoraTrainer withMergedAccumulation(boolean on) {
        this.mergedAccumulation = on;
        return this;
    }

    /**
     * Trains on exactly these micro-batches (indices into the training examples), in order, wrapping
     * around: to replay another engine's batches for a like-for-like comparison. Not saved by
     * {@link #saveState}; a resumed trainer returns to the seeded order.
     */
    public LoraTrainer withMicroBatchPlan(List<int[]> microBatches) {
        if (microBatches.isEmpty()) {
            throw new IllegalArgumentException("empty micro-batch plan");
        }
        for (int[] mb : microBatches) {
            for (int i : mb) {
                if (i < 0 || i >= train.size()) {
                    throw new IllegalArgumentException("plan index " + i + " outside the " + train.size() + " examples");
                }
            }
        }
        this.fixedPlan = List.copyOf(microBatches);
        this.plan = null;
        this.nextMicroBatch = 0;
        return this;
    }

    /** Called after every step, skipped ones included. */
    public LoraTrainer onProgress(TrainingProgress listener) {
        this.progress = listener == null ? r -> { } : listener;
        return this;
    }

    public int completedSteps() {
        return completedSteps;
    }

    public boolean finished() {
        return completedSteps >= hp.maxSteps();
    }

    public LoraAdapter adapter() {
        return adapter;
    }

    public HyperParameters hyperParameters() {
        return hp;
    }

    AdamW optimizer() {
        return optimizer;
    }

    void inspectGradients(java.util.function.Consumer<Map<String, NDArray>> inspector) {
        this.gradientInspector = inspector;
    }

    // ------------------------------------------------------------------ training

    /** One optimizer step (gradient accumulation over micro-batches); fails once all maxSteps are done. */
    public TrainStepResult step() {
        if (finished()) {
            throw new IllegalStateException("training is finished: " + completedSteps + " of " + hp.maxSteps() + " steps done");
        }
        long start = System.nanoTime();
        int stepIndex = completedSteps;
        double lr = schedule.lr(stepIndex);
        List<TrainBatch> micro = nextMicroBatches();
        int labelTokens = micro.stream().mapToInt(TrainBatch::labelTokens).sum();
        int tokens = micro.stream().mapToInt(TrainBatch::realTokens).sum();

        double lossSum = 0;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            for (int k = 0; k < micro.size(); k++) {
                try (NDManager scope = root.newSubManager()) { // every activation of the micro-batch dies here
                    lossSum += backward(scope, micro.get(k), labelTokens / lossScale(), stepIndex, k);
                }
            }
        } catch (RuntimeException e) {
            zeroGradients(); // no half-accumulated gradient leaks into a later step; resume from a saved state
            throw e;
        }
        double loss = lossSum / labelTokens;

        double gradNorm;
        boolean skipped;
        try (NoGradScope noGrad = NoGradScope.enter(); NDScope scope = new NDScope()) {
            Map<String, NDArray> grads = new LinkedHashMap<>();
            if (mixed == null) {
                parameters.forEach((name, p) -> grads.put(name, p.getGradient()));
            } else {
                grads.putAll(mixed.unscaledGradients());
            }
            gradientInspector.accept(grads);
            NDArray norm = totalNorm(grads.values());
            gradNorm = norm.getFloat();
            skipped = !Double.isFinite(loss) || !Double.isFinite(gradNorm);
            if (!skipped) {
                if (hp.maxGradNorm() > 0) {
                    // clip_grad_norm_: scale by min(1, max / (norm + 1e-6)), computed in float32 as torch does
                    float coef = Math.min(1f, (float) hp.maxGradNorm() / (float) (gradNorm + 1e-6));
                    if (coef < 1f) {
                        grads.values().forEach(g -> g.muli(coef));
                    }
                }
                optimizer.step(parameters, grads, lr);
                if (mixed != null) {
                    mixed.copyFrom(parameters);
                }
            }
            if (mixed != null) {
                mixed.update(!skipped);
            }
        }
        zeroGradients();
        completedSteps++;
        TrainStepResult result = new TrainStepResult(completedSteps, Double.isFinite(loss) ? loss : Double.NaN, lr,
                gradNorm, labelTokens, tokens, (System.nanoTime() - start) / 1e9, skipped);
        progress.onStep(result);
        return result;
    }

    /** Runs the remaining steps; returns their results in order. */
    public List<TrainStepResult> train() {
        List<TrainStepResult> results = new ArrayList<>();
        while (!finished()) {
            results.add(step());
        }
        return results;
    }

    private double lossScale() {
        return mixed == null ? 1 : mixed.scale();
    }

    /** The adapter the forward runs with: the masters in float32, their float16 copies otherwise. */
    private LoraAdapter trainee() {
        return mixed == null ? adapter : mixed.working();
    }

    /**
     * Forward and backward of one micro-batch, gradients scaled by {@code 1 / lossDivisor} (the step's
     * label tokens over the loss scale); returns the micro-batch's summed token loss.
     */
    private double backward(NDManager scope, TrainBatch batch, double lossDivisor, int stepIndex, int microIndex) {
        LoraAdapter adapter = trainee();
        NDArray ids = scope.create(batch.inputIds(), new Shape(batch.batchSize(), batch.seqLength()))
                .toDevice(model.device(), false);
        NDArray mask = scope.create(batch.attentionMask(), new Shape(batch.batchSize(), batch.seqLength()))
                .toDevice(model.device(), false);
        TokenLoss.Targets targets = TokenLoss.of(batch);
        NDArray divisor = Tensors.scalar(scope, (float) lossDivisor, DataType.FLOAT32);
        ForwardPass pass = model.newPass(ids, mask, true);
        if (!activationCheckpointing) {
            NDArray h = model.embed(ids);
            for (int i = 0; i < model.numLayers(); i++) {
                reseed(stepIndex, microIndex, i);
                h = model.layer(i).forward(h, pass, adapter);
            }
            NDArray lossSum = TokenLoss.sum(model.head(TokenLoss.selectRows(h, targets.positions(), scope)),
                    targets.ids(), scope);
            backward(lossSum.div(divisor), null);
            return lossSum.getFloat();
        }
        // activation checkpointing: keep each layer's input only; each layer runs in its own sub-manager
        // so its intermediates are freed when it is done (DJL handles would otherwise keep them alive)
        List<NDArray> inputs = new ArrayList<>(model.numLayers());
        NDArray h;
        try (NoGradScope noGrad = NoGradScope.enter()) {
            h = model.embed(ids);
            for (int i = 0; i < model.numLayers(); i++) {
                inputs.add(h);
                reseed(stepIndex, microIndex, i);
                h = runLayerIn(scope, i, h, pass, adapter, null);
            }
        }
        h.setRequiresGradient(true);
        NDArray lossSum = TokenLoss.sum(model.head(TokenLoss.selectRows(h, targets.positions(), scope)),
                targets.ids(), scope);
        backward(lossSum.div(divisor), null);
        NDArray upstream = h.getGradient();
        for (int i = model.numLayers() - 1; i >= 0; i--) {
            NDArray x = inputs.get(i);
            if (i > 0) {
                x.setRequiresGradient(true); // layer 0's input is the frozen embedding: no gradient needed
            }
            reseed(stepIndex, microIndex, i); // the same dropout masks as in the forward
            NDArray next = runLayerIn(scope, i, x, pass, adapter, upstream);
            upstream.close();
            x.close();
            upstream = next;
        }
        return lossSum.getFloat();
    }

    /**
     * Runs layer {@code i} on {@code x} inside a sub-manager of {@code scope}. Without {@code upstream}
     * it returns the layer's output; with it, it back-propagates {@code upstream} through the layer
     * (LoRA gradients accumulate) and returns the gradient of {@code x} (null if x needs none). Either
     * result is moved to {@code scope}; everything else the layer made is freed.
     */
    private NDArray runLayerIn(NDManager scope, int i, NDArray x, ForwardPass pass, LoraAdapter adapter,
            NDArray upstream) {
        try (NDManager layerScope = scope.newSubManager()) {
            x.tempAttach(layerScope); // results of ops on x land in layerScope; x itself goes back to scope
            NDArray out = model.layer(i).forward(x, pass, adapter);
            NDArray result = out;
            if (upstream != null) {
                backward(out, upstream);
                result = x.hasGradient() ? x.getGradient() : null;
            }
            if (result != null) {
                result.attach(scope);
            }
            return result;
        }
    }

    /** torch.autograd.backward(target, grad): grad null means ones (a scalar loss). */
    private static void backward(NDArray target, NDArray grad) {
        NDArray g = grad != null ? grad : target.onesLike();
        JniUtils.backward((PtNDArray) target, (PtNDArray) g, false, false);
    }

    /** Global L2 norm of all gradients, as clip_grad_norm_: the norm of the per-tensor norms. */
    private static NDArray totalNorm(Iterable<NDArray> grads) {
        NDList norms = new NDList();
        for (NDArray g : grads) {
            norms.add(g.norm());
        }
        return NDArrays.stack(norms).norm();
    }

    private void zeroGradients() {
        if (mixed != null) {
            mixed.zeroGradients();
            return;
        }
        for (NDArray p : parameters.values()) {
            JniUtils.zeroGrad((PtNDArray) p);
        }
    }

    /** Seeds torch's generator from the position in the run, so dropout masks never depend on history. */
    private void reseed(int step, int micro, int layer) {
        long z = hp.seed() + 0x9E3779B97F4A7C15L * (1 + ((long) step << 20 | (long) micro << 10 | layer));
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        JniUtils.setSeed((z ^ (z >>> 31)) & Long.MAX_VALUE);
    }

    private List<TrainBatch> nextMicroBatches() {
        List<TrainBatch> out = new ArrayList<>(hp.gradientAccumulationSteps());
        List<Example> merged = new ArrayList<>();
        for (int k = 0; k < hp.gradientAccumulationSteps(); k++) {
            if (plan == null) {
                plan = fixedPlan != null ? fixedPlan : Batching.epochPlan(train, hp.microBatchSize(), hp.seed(), epoch);
            }
            if (nextMicroBatch == plan.size()) {
                epoch++;
                nextMicroBatch = 0;
                plan = fixedPlan != null ? fixedPlan : Batching.epochPlan(train, hp.microBatchSize(), hp.seed(), epoch);
            }
            List<Example> examples = new ArrayList<>();
            for (int i : plan.get(nextMicroBatch++)) {
                examples.add(train.get(i));
            }
            if (mergedAccumulation) {
                merged.addAll(examples);
            } else {
                out.add(Batching.pad(examples, padId, hp.lossOn()));
            }
        }
        if (mergedAccumulation) {
            out.add(Batching.pad(merged, padId, hp.lossOn()));
        }
        return out;
    }

    // ------------------------------------------------------------------ checkpoints

    /**
     * Saves everything a bit-identical continuation needs into {@code dir}: {@link TrainerState#FILE},
     * the optimizer moments ({@value #OPTIMIZER_FILE}) and the adapter in PEFT format
     * ({@value #ADAPTER_DIR}/). Written to a sibling folder first and swapped in, so a crash during the
     * save leaves the previous state intact.
     */
    public void saveState(Path dir) {
        Path target = dir.toAbsolutePath().normalize();
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        Path old = target.resolveSibling(target.getFileName() + ".old");
        try {
            deleteRecursively(partial);
            Files.createDirectories(partial);
            adapter.savePeft(partial.resolve(ADAPTER_DIR), model.folder().toString());
            optimizer.save(partial.resolve(OPTIMIZER_FILE));
            new TrainerState(TrainerState.FORMAT_VERSION, completedSteps, optimizer.steps(), epoch, nextMicroBatch,
                    lossScale(), mixed == null ? 0 : mixed.cleanSteps(), hp, train.size(), trainSha256,
                    adapterFingerprint(adapter)).write(partial);
            deleteRecursively(old);
            if (Files.exists(target)) {
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            deleteRecursively(old);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save training state to " + dir, e);
        }
    }

    /** {@link #resume(LlamaModel, Path, Path, HyperParameters, List)} with the adapter saved in the state folder. */
    public static LoraTrainer resume(LlamaModel model, Path stateDir, HyperParameters hp, List<Example> train) {
        return resume(model, stateDir, stateDir.resolve(ADAPTER_DIR), hp, train);
    }

    /**
     * Continues a run saved by {@link #saveState}: loads the adapter from {@code adapterDir} (owned and
     * closed by the returned trainer), the optimizer moments, the step and the data position. Refuses
     * other hyper-parameters, other training data or an adapter other than the one saved with the state.
     */
    public static LoraTrainer resume(LlamaModel model, Path stateDir, Path adapterDir, HyperParameters hp,
            List<Example> train) {
        TrainerState state = TrainerState.read(stateDir);
        if (!state.hyperParameters().equals(hp)) {
            throw new IllegalArgumentException("hyper-parameters differ from the saved run: saved "
                    + state.hyperParameters() + ", given " + hp);
        }
        String sha = fingerprint(train);
        if (state.trainExamples() != train.size() || !state.trainSha256().equals(sha)) {
            throw new IllegalArgumentException("training data differ from the saved run (" + state.trainExamples()
                    + " examples, sha256 " + state.trainSha256() + "; given " + train.size() + ", " + sha + ")");
        }
        LoraAdapter adapter = LoraAdapter.loadPeft(adapterDir, model);
        LoraTrainer trainer = null;
        try {
            if (!adapterFingerprint(adapter).equals(state.adapterSha256())) {
                throw new IllegalArgumentException("adapter in " + adapterDir + " is not the one saved with the state in "
                        + stateDir);
            }
            trainer = new LoraTrainer(model, adapter, true, hp, train);
            trainer.optimizer.load(stateDir.resolve(OPTIMIZER_FILE), state.optimizerUpdates());
            trainer.completedSteps = state.completedSteps();
            trainer.epoch = state.epoch();
            trainer.nextMicroBatch = state.nextMicroBatch();
            trainer.plan = Batching.epochPlan(trainer.train, hp.microBatchSize(), hp.seed(), state.epoch());
            if (trainer.mixed != null) {
                trainer.mixed.restore(state.lossScale() > 0 ? state.lossScale() : MixedPrecision.INITIAL_SCALE,
                        state.lossScaleCleanSteps());
            }
            return trainer;
        } catch (IOException | RuntimeException e) {
            if (trainer != null) {
                trainer.close();
            } else {
                adapter.close();
            }
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot read optimizer state in " + stateDir, io);
            }
            throw (RuntimeException) e;
        }
    }

    /** SHA-256 over the examples' prompt lengths and tokens, in order. */
    static String fingerprint(List<Example> examples) {
        MessageDigest md = Digests.sha256();
        ByteBuffer buf = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        for (Example e : examples) {
            md.update(buf.clear().putInt(e.promptLength()).array());
            md.update(buf.clear().putInt(e.length()).array());
            for (int t : e.tokens()) {
                md.update(buf.clear().putInt(t).array());
            }
        }
        return Digests.hex(md.digest());
    }

    /** SHA-256 over the adapter's names and float32 bytes, in PEFT order. */
    static String adapterFingerprint(LoraAdapter adapter) {
        MessageDigest md = Digests.sha256();
        adapter.peftTensors().forEach((name, a) -> {
            md.update(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            md.update(a.toByteArray());
        });
        return Digests.hex(md.digest());
    }

    private static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path f : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }

    /** Detaches gradients from the adapter (it can serve inference afterwards) and frees the optimizer state. */
    @Override
    public void close() {
        if (mixed == null) {
            try (NoGradScope noGrad = NoGradScope.enter()) {
                for (NDArray p : parameters.values()) {
                    JniUtils.zeroGrad((PtNDArray) p);
                    p.setRequiresGradient(false);
                }
            }
        } else {
            mixed.close();
        }
        optimizer.close();
        root.close();
        if (ownsAdapter) {
            adapter.close();
        }
    }
}
