package io.lorastream.llm;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.pytorch.jni.JniUtils;
import io.lorastream.contracts.Digests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A Llama 3.x causal language model on DJL PyTorch: token embedding, decoder layers, final RMSNorm and
 * the (tied or untied) lm_head. Loads Hugging Face folders layer by layer from memory-mapped
 * safetensors; projection weights become NF4 as they are read (or are read NF4 from bitsandbytes
 * checkpoints), so an 8B model never exists in float32.
 *
 * <p>Every forward result and intermediate belongs to the manager of the input ids: scope a step by
 * creating the ids in a sub-manager and closing it afterwards. The LoRA adapter is an argument of
 * each call. For per-layer work use {@link #newPass}, {@link #embed}, {@link #layer} and {@link #head}.
 */
public final class LlamaModel implements AutoCloseable {
    /** Above this many float32 bytes of projections, NF4 weights are decoded per pass instead of cached. */
    private static final long AUTO_CACHE_LIMIT = 2L << 30;

    private final Path folder;
    private final LlamaConfig config;
    private final Device device;
    private final DataType computeType;
    private final NDManager manager;
    private final NDArray embedTokens;
    private final List<DecoderLayer> layers;
    private final RmsNorm norm;
    private final NDArray lmHead;
    private final Rope rope;
    private final LlamaTokenizer tokenizer;
    private final Path tokenizerDir;
    private volatile String baseModelSha256;

    private LlamaModel(Path folder, LlamaConfig config, Device device, DataType computeType, NDManager manager,
            NDArray embedTokens, List<DecoderLayer> layers, RmsNorm norm, NDArray lmHead, LlamaTokenizer tokenizer,
            Path tokenizerDir, boolean roundRope) {
        this.folder = folder;
        this.config = config;
        this.device = device;
        this.computeType = computeType;
        this.manager = manager;
        this.embedTokens = embedTokens;
        this.layers = List.copyOf(layers);
        this.norm = norm;
        this.lmHead = lmHead;
        this.rope = new Rope(config, roundRope);
        this.tokenizer = tokenizer;
        this.tokenizerDir = tokenizerDir;
    }

    /** Loads a Hugging Face Llama folder (single or sharded safetensors; F32/F16/BF16 or bitsandbytes NF4). */
    public static LlamaModel load(Path folder, LoadOptions options) {
        DjlFlags.apply();
        LlamaConfig cfg = LlamaConfig.load(folder.resolve("config.json"));
        Path tokDir = options.tokenizerDir() != null ? options.tokenizerDir() : folder;
        return build(folder, cfg, SafetensorsCheckpoint.open(folder), options, tokDir);
    }

    /**
     * A model of {@code config}'s shape with generated weights (bf16-valued, uniform with std 0.02;
     * norms 1), quantized layer by layer like a real checkpoint: for 8B-shaped benchmarks without
     * the 16 GB download. The tokenizer comes from {@link LoadOptions#tokenizerDir()} when set.
     */
    public static LlamaModel random(LlamaConfig config, LoadOptions options, long seed) {
        DjlFlags.apply();
        return build(null, config, new RandomWeights(config, seed), options, options.tokenizerDir());
    }

    private static LlamaModel build(Path folder, LlamaConfig cfg, WeightSource source, LoadOptions options, Path tokDir) {
        Device device = options.resolvedDevice();
        DataType type = options.resolvedComputeType();
        long linearFloatBytes = cfg.linearParametersPerLayer() * cfg.numHiddenLayers() * 4;
        boolean cache = options.cacheDequantized() != null ? options.cacheDequantized()
                : !device.isGpu() && linearFloatBytes <= AUTO_CACHE_LIMIT;
        Loader loader = new Loader(cfg, source, NDManager.newBaseManager(device), type, options.quantize(), cache);
        try {
            NDArray embed = loader.dense("model.embed_tokens.weight", cfg.vocabSize(), cfg.hiddenSize());
            List<DecoderLayer> layers = new ArrayList<>();
            for (int i = 0; i < cfg.numHiddenLayers(); i++) {
                layers.add(loader.layer(i));
            }
            RmsNorm norm = loader.norm("model.norm.weight");
            NDArray head = cfg.tieWordEmbeddings() ? embed : loader.dense("lm_head.weight", cfg.vocabSize(), cfg.hiddenSize());
            LlamaTokenizer tok = tokDir != null && Files.exists(tokDir.resolve("tokenizer.json"))
                    ? LlamaTokenizer.load(tokDir, cfg) : null;
            return new LlamaModel(folder, cfg, device, type, loader.manager, embed, layers, norm, head, tok, tokDir,
                    options.roundRopeFrequencies());
        } catch (RuntimeException e) {
            loader.manager.close();
            throw e;
        }
    }

    /** Reads one layer at a time; projection weights become NF4 as soon as they are read. */
    private static final class Loader {
        final LlamaConfig cfg;
        final WeightSource source;
        final NDManager manager;
        final DataType type;
        final boolean quantize;
        final boolean cache;
        final NDArray pairTable;

        Loader(LlamaConfig cfg, WeightSource source, NDManager manager, DataType type, boolean quantize, boolean cache) {
            this.cfg = cfg;
            this.source = source;
            this.manager = manager;
            this.type = type;
            this.quantize = quantize;
            this.cache = cache;
            this.pairTable = Tensors.fromFloats(manager, Nf4.pairTable(), new Shape(256, 2), DataType.FLOAT32);
        }

        DecoderLayer layer(int i) {
            String p = "model.layers." + i + ".";
            Projection[] proj = new Projection[LoraConfig.ALL_TARGETS.size()];
            for (int k = 0; k < proj.length; k++) {
                String module = LoraConfig.ALL_TARGETS.get(k);
                String name = p + (k < 4 ? "self_attn." : "mlp.") + module;
                proj[k] = new Projection(name, projection(name, cfg.projectionShape(module)));
            }
            return new DecoderLayer(i, norm(p + "input_layernorm.weight"),
                    new Attention(proj[0], proj[1], proj[2], proj[3], cfg),
                    norm(p + "post_attention_layernorm.weight"),
                    new Mlp(proj[4], proj[5], proj[6]));
        }

        RmsNorm norm(String name) {
            NDArray w = source.load(name, manager, type);
            if (!w.getShape().equals(new Shape(cfg.hiddenSize()))) {
                throw new IllegalArgumentException(name + " has shape " + w.getShape() + ", expected (" + cfg.hiddenSize() + ")");
            }
            return new RmsNorm(w, cfg.rmsNormEps());
        }

        NDArray dense(String name, long rows, long cols) {
            if (!source.contains(name)) {
                throw new IllegalArgumentException("checkpoint has no tensor " + name);
            }
            checkShape(source.shape(name), name, rows, cols);
            return source.load(name, manager, type);
        }

        LinearWeight projection(String name, int[] shape) {
            Nf4.Quantized q = source.prequantized(name);
            if (q == null && quantize) {
                String w = name + ".weight";
                checkShape(source.shape(w), w, shape[0], shape[1]);
                q = Nf4.quantize(source.readFloats(w), shape[0], shape[1], Nf4Checkpoint.torchMean(manager),
                        Nf4.recordedDtype(source.dtype(w)));
            }
            if (q == null) {
                return new DenseWeight(dense(name + ".weight", shape[0], shape[1]));
            }
            if (q.rows() != shape[0] || q.cols() != shape[1]) {
                throw new IllegalArgumentException(name + " is quantized as [" + q.rows() + ", " + q.cols()
                        + "], config says " + Arrays.toString(shape));
            }
            Nf4Weight w = Nf4Weight.create(manager, q, pairTable, type);
            if (cache) {
                w.cacheDequantized(manager);
            }
            return w;
        }
    }

    private static void checkShape(long[] actual, String name, long rows, long cols) {
        if (!Arrays.equals(actual, new long[] {rows, cols})) {
            throw new IllegalArgumentException(name + " has shape " + Arrays.toString(actual)
                    + ", config says [" + rows + ", " + cols + "]");
        }
    }

    // ---------------------------------------------------------------- forward

    /** Logits {@code [B, T, vocab]} for ids {@code [B, T]} (inference: no LoRA dropout). */
    public NDArray forward(NDArray inputIds, NDArray attentionMask, LoraAdapter adapter) {
        return forward(inputIds, attentionMask, adapter, false);
    }

    /**
     * Logits {@code [B, T, vocab]} in the compute type, owned by the manager of {@code inputIds}.
     *
     * @param inputIds      INT32/INT64 {@code [B, T]}
     * @param attentionMask {@code [B, T]}, 1 = real token, 0 = padding; null = no padding
     * @param adapter       LoRA adapter for this batch, or null for the base model
     * @param training      true enables LoRA dropout
     */
    public NDArray forward(NDArray inputIds, NDArray attentionMask, LoraAdapter adapter, boolean training) {
        return head(hiddenStates(inputIds, attentionMask, adapter, training));
    }

    /** Convenience: logits for Java id arrays (rows of equal length), in manager {@code m}. */
    public NDArray forward(NDManager m, int[][] inputIds, int[][] attentionMask, LoraAdapter adapter) {
        NDArray ids = m.create(inputIds).toDevice(device, false);
        NDArray mask = attentionMask == null ? null : m.create(attentionMask).toDevice(device, false);
        return forward(ids, mask, adapter, false);
    }

    /** Output of the last decoder layer, before the final norm: {@code [B, T, hidden]}. */
    public NDArray hiddenStates(NDArray inputIds, NDArray attentionMask, LoraAdapter adapter, boolean training) {
        return hiddenStates(inputIds, newPass(inputIds, attentionMask, training), adapter);
    }

    /**
     * Output of the last decoder layer for a pass the caller made, e.g. with its own positions and
     * attention pattern ({@link #newPassWithLayout}).
     */
    public NDArray hiddenStates(NDArray inputIds, ForwardPass pass, LoraAdapter adapter) {
        Shape s = checkIds(inputIds);
        if (s.get(0) != pass.batchSize() || s.get(1) != pass.seqLength()) {
            throw new IllegalArgumentException("pass [" + pass.batchSize() + ", " + pass.seqLength() + "] does not match ids " + s);
        }
        NDArray h = embed(inputIds);
        if (JniUtils.isGradMode()) {
            for (DecoderLayer layer : layers) {
                h = layer.forward(h, pass, adapter); // autograd needs the intermediates: they stay in the pass
            }
            return h;
        }
        // no graph: each layer's intermediates are freed as soon as the layer is done
        NDManager outer = inputIds.getManager();
        for (DecoderLayer layer : layers) {
            try (NDManager scope = outer.newSubManager()) {
                h.attach(scope);
                NDArray out = layer.forward(h, pass, adapter);
                out.attach(outer);
                h = out;
            }
        }
        return h;
    }

    /** Per-pass state for ids {@code [B, T]}: RoPE tables, causal + padding mask, constants, in the ids' manager. */
    public ForwardPass newPass(NDArray inputIds, NDArray attentionMask, boolean training) {
        NDManager m = inputIds.getManager();
        Shape s = checkIds(inputIds);
        int b = (int) s.get(0);
        int t = (int) s.get(1);
        if (t > config.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("sequence of " + t + " tokens exceeds max_position_embeddings "
                    + config.maxPositionEmbeddings());
        }
        NDArray[] cosSin = rope.tables(m, t, computeType, device);
        NDArray positions = m.arange(0, t, 1, DataType.INT32, device);
        NDArray masked = positions.reshape(1, t).gt(positions.reshape(t, 1)).reshape(1, 1, 1, t, t); // key after query
        if (attentionMask != null) {
            if (!attentionMask.getShape().equals(s)) {
                throw new IllegalArgumentException("attention mask " + attentionMask.getShape() + " does not match ids " + s);
            }
            NDArray padding = attentionMask.toDevice(device, false).eq(0).reshape(b, 1, 1, 1, t);
            masked = masked.logicalOr(padding);
        }
        float min = computeType == DataType.FLOAT16 ? -65504f : -Float.MAX_VALUE;
        NDArray additive = masked.toType(computeType, false).mul(min); // no gradient flows through the mask
        return pass(m, b, t, training, cosSin, additive);
    }

    /**
     * Per-pass state for ids {@code [B, T]} with the caller's per-row RoPE positions and attention
     * pattern, e.g. several continuations of one prompt scored in one row. Costs a {@code [B, T, T]}
     * mask and {@code [B, T, headDim]} RoPE tables built in Java; the plain pass above does not.
     */
    public ForwardPass newPassWithLayout(NDArray inputIds, AttentionLayout layout, boolean training) {
        NDManager m = inputIds.getManager();
        Shape s = checkIds(inputIds);
        int b = (int) s.get(0);
        int t = (int) s.get(1);
        if (layout.batchSize() != b || layout.seqLength() != t) {
            throw new IllegalArgumentException("layout [" + layout.batchSize() + ", " + layout.seqLength()
                    + "] does not match ids " + s);
        }
        if (layout.maxPosition() >= config.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("position " + layout.maxPosition() + " exceeds max_position_embeddings "
                    + config.maxPositionEmbeddings());
        }
        float min = computeType == DataType.FLOAT16 ? -65504f : -Float.MAX_VALUE;
        float[] additive = new float[b * t * t];
        for (int i = 0; i < b; i++) {
            for (int q = 0; q < t; q++) {
                boolean[] keys = layout.allowed()[i][q];
                int base = (i * t + q) * t;
                for (int k = 0; k < t; k++) {
                    additive[base + k] = keys[k] ? 0f : min;
                }
            }
        }
        NDArray mask = Tensors.fromFloats(m, additive, new Shape(b, 1, 1, t, t), computeType, device);
        return pass(m, b, t, training, rope.tables(m, layout.positions(), computeType, device), mask);
    }

    private static Shape checkIds(NDArray inputIds) {
        Shape s = inputIds.getShape();
        if (s.dimension() != 2) {
            throw new IllegalArgumentException("input ids must be [batch, seq], were " + s);
        }
        return s;
    }

    private ForwardPass pass(NDManager m, int b, int t, boolean training, NDArray[] cosSin, NDArray additiveMask) {
        NDArray scale = Tensors.scalar(m, (float) (1.0 / Math.sqrt(config.headDim())), computeType, device);
        return new ForwardPass(m, computeType, b, t, training, cosSin[0], cosSin[1], rope.rotation(m, computeType, device),
                additiveMask, scale);
    }

    /** Token embeddings {@code [B, T, hidden]} in the ids' manager. */
    public NDArray embed(NDArray inputIds) {
        NDArray ids = inputIds.getDevice().equals(device) ? inputIds : inputIds.toDevice(device, false);
        return ids.getNDArrayInternal().embedding(ids, embedTokens, SparseFormat.DENSE).singletonOrThrow();
    }

    public DecoderLayer layer(int i) {
        return layers.get(i);
    }

    public List<DecoderLayer> layers() {
        return layers;
    }

    public int numLayers() {
        return layers.size();
    }

    /** Final RMSNorm and lm_head: {@code [..., hidden]} to {@code [..., vocab]} logits (works on selected rows too). */
    public NDArray head(NDArray hidden) {
        return Projection.linear(norm.forward(hidden), lmHead);
    }

    // ---------------------------------------------------------------- accessors

    public LlamaConfig config() {
        return config;
    }

    /** The tokenizer; fails when the tokenizer folder has no tokenizer.json. */
    public LlamaTokenizer tokenizer() {
        if (tokenizer == null) {
            throw new IllegalStateException("no tokenizer.json in " + tokenizerDir
                    + ": load with LoadOptions.withTokenizerDir(<folder with tokenizer.json>)");
        }
        return tokenizer;
    }

    public Device device() {
        return device;
    }

    public DataType computeType() {
        return computeType;
    }

    /** The model folder; null for a generated model. */
    public Path folder() {
        return folder;
    }

    /** The model's manager (weights); LoRA adapters get their own. */
    NDManager manager() {
        return manager;
    }

    /** max_position_embeddings from the config. */
    public int maxSeqLength() {
        return config.maxPositionEmbeddings();
    }

    /** {@link Digests#modelSha256} of the model folder, computed once on first use (it reads every file). */
    public String baseModelSha256() {
        String s = baseModelSha256;
        if (s == null) {
            if (folder == null) {
                throw new IllegalStateException("a generated (random) model has no files to digest");
            }
            s = Digests.modelSha256(folder);
            baseModelSha256 = s;
        }
        return s;
    }

    @Override
    public void close() {
        if (tokenizer != null) {
            tokenizer.close();
        }
        manager.close();
    }
}
