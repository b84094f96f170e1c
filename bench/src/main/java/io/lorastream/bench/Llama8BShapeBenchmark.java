package io.lorastream.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import io.lorastream.llm.DjlFlags;
import io.lorastream.llm.LlamaConfig;
import io.lorastream.llm.LlamaModel;
import io.lorastream.llm.LlamaTokenizer;
import io.lorastream.llm.LoadOptions;
import io.lorastream.llm.Nf4;
import io.lorastream.testing.SharedAssets;
import java.nio.file.Path;

/**
 * The engine at Llama-3.1-8B's shape on CPU (issue 3 item 9), without the 16 GB download: the real
 * config ({@code ../shared/models/llama-3.1-8b-instruct-config}) with generated bf16-valued weights
 * ({@link LlamaModel#random}), each projection NF4-quantized as it is generated, layer by layer, as a
 * checkpoint load would. Measures the load/quantize time, resident memory, and the time of a forward
 * pass over a 64-token prompt (a real TweetEval prompt in the template, Llama 3 tokenizer) without
 * gradients: every NF4 weight is decoded for its matmul and freed right after.
 *
 * <p>Takes minutes and about 9 GB: a benchmark, never a test. Resident memory includes a fixed,
 * pre-touched 1 GiB Java heap (relaunches itself with it, {@link BenchJvm}): the generator's float
 * arrays live there, so a larger heap would only add garbage to the figure.
 *
 * <pre>bench/run Llama8BShapeBenchmark [forwardPasses=2] [configJson]</pre>
 */
public final class Llama8BShapeBenchmark {
    static final int HEAP_MIB = 1024;
    static final int PROMPT_TOKENS = 64;
    static final long SEED = 3407;

    private Llama8BShapeBenchmark() {}

    public static void main(String[] args) {
        BenchJvm.requirePreTouchedHeap(Llama8BShapeBenchmark.class, args, HEAP_MIB);
        DjlFlags.apply();
        int passes = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        Path configJson = args.length > 1 ? Path.of(args[1])
                : SharedAssets.resolve("models/llama-3.1-8b-instruct-config/config.json");
        LlamaConfig cfg = LlamaConfig.load(configJson);
        long projectionWeights = cfg.linearParametersPerLayer() * cfg.numHiddenLayers();
        long embeddingBytes = (long) cfg.vocabSize() * cfg.hiddenSize() * 4 * (cfg.tieWordEmbeddings() ? 1 : 2);
        BenchReport report = new BenchReport("engine-8b-shape-cpu")
                .context("config", configJson + " (" + cfg.numHiddenLayers() + " layers, hidden " + cfg.hiddenSize()
                        + ", intermediate " + cfg.intermediateSize() + ", heads " + cfg.numAttentionHeads() + "/"
                        + cfg.numKeyValueHeads() + ", vocab " + cfg.vocabSize() + ")")
                .context("weights", "generated (uniform, std 0.02, bf16-valued), seed " + SEED + "; " + String.format(
                        "%,d", projectionWeights) + " projection weights NF4-quantized on load (bitsandbytes storage "
                        + gib(Nf4.quantizedWeightBytes(cfg)) + "; the engine keeps float32 block scales), embedding"
                        + (cfg.tieWordEmbeddings() ? "" : " + lm_head") + " float32 " + gib(embeddingBytes))
                .context("device", "CPU, float32 compute, 1 intra-op thread (ai.djl.pytorch.num_threads=1); generation"
                        + " and quantization in Java on " + Runtime.getRuntime().availableProcessors() + " cores")
                .context("JVM heap", BenchJvm.heapMiB() + " MiB fixed and pre-touched, included in RSS")
                .context("load average at start (1/5/15 min, 2 shared cores)", BenchReport.loadAverage());

        long t = System.nanoTime();
        Engine.getInstance(); // PyTorch's native libraries: part of the baseline, not of the model
        report.row("phase", "JVM + PyTorch engine", "seconds", EngineBenchmark.seconds(t),
                "RSS MiB", BenchReport.rssMb(), "peak RSS MiB", BenchReport.peakRssMb());

        Path tokenizerDir = SharedAssets.llama3Tokenizer();
        LoadOptions options = LoadOptions.defaults().withDevice(Device.cpu()).withTokenizerDir(tokenizerDir);
        t = System.nanoTime();
        try (LlamaModel model = LlamaModel.random(cfg, options, SEED)) {
            report.row("phase", "generate + NF4-quantize " + cfg.numHiddenLayers() + " layers",
                    "seconds", EngineBenchmark.seconds(t), "RSS MiB", BenchReport.rssMb(), "peak RSS MiB", BenchReport.peakRssMb());
            int[] ids = prompt(model.tokenizer());
            report.context("prompt", PROMPT_TOKENS + " tokens: bos + the last " + (PROMPT_TOKENS - 1)
                    + " tokens of the first reference validation prompt that long (ends with the '### Output:' cue)");
            if (JniUtils.isGradMode()) {
                throw new IllegalStateException("autograd is on: the forward pass would keep every decoded weight");
            }
            for (int i = 1; i <= passes; i++) {
                t = System.nanoTime();
                int next;
                try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
                    NDArray logits = model.forward(m, new int[][] {ids}, null, null);
                    next = (int) logits.get(0, PROMPT_TOKENS - 1).argMax().getLong();
                }
                double seconds = EngineBenchmark.seconds(t);
                report.row("phase", "forward " + PROMPT_TOKENS + " tokens, no grad (pass " + i + ")",
                        "seconds", seconds, "RSS MiB", BenchReport.rssMb(),
                        "peak RSS MiB", BenchReport.peakRssMb(), "tokens/s", PROMPT_TOKENS / seconds,
                        "argmax next token", next);
            }
        }
        report.context("load average at end", BenchReport.loadAverage());
        report.finish();
    }

    /** bos + the last 63 prompt tokens of the first reference validation prompt with at least 63. */
    private static int[] prompt(LlamaTokenizer tok) {
        for (var r : ReferenceDataset.load().validation()) {
            int[] p = tok.encode(r.prompt());
            if (p.length >= PROMPT_TOKENS - 1) {
                int[] ids = new int[PROMPT_TOKENS];
                ids[0] = tok.bosId();
                System.arraycopy(p, p.length - (PROMPT_TOKENS - 1), ids, 1, PROMPT_TOKENS - 1);
                return ids;
            }
        }
        throw new IllegalStateException("no validation prompt has " + (PROMPT_TOKENS - 1) + " tokens");
    }

    private static String gib(long bytes) {
        return String.format("%.2f GiB", bytes / (double) (1L << 30));
    }
}
