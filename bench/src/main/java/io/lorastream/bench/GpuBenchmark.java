package io.lorastream.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.util.cuda.CudaUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lorastream.contracts.ContractJson;
import io.lorastream.contracts.HyperParameters;
import io.lorastream.llm.DjlFlags;
import io.lorastream.llm.Example;
import io.lorastream.llm.LlamaConfig;
import io.lorastream.llm.LlamaModel;
import io.lorastream.llm.LoadOptions;
import io.lorastream.llm.LoraAdapter;
import io.lorastream.llm.LoraConfig;
import io.lorastream.llm.LoraTrainer;
import io.lorastream.llm.Nf4;
import io.lorastream.llm.SentimentClassifier;
import io.lorastream.llm.TrainStepResult;
import io.lorastream.testing.SharedAssets;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The reference recipe at Llama-3.1-8B's exact shapes (random weights, NF4-quantized by the engine
 * while loading), on whatever device DJL finds: LoRA r16 on the seven projections, micro-batch 2 x
 * grad-accum 4, 60 steps, lr 2e-4, loss on all tokens (the reference run's definition); then the
 * classification of the 200 validation prompts and an adapter swap.
 *
 * <p>It replays the exact token ids of the PEFT baseline ({@code ../shared/gpu/peft_baseline.py} with
 * {@code BATCHES_OUT}): same micro-batches in the same order, same validation prompts, so the two
 * engines do the same work. Differences, stated in the report: the step's loss is normalised by its
 * total tokens (HF averages per micro-batch), the accumulation runs as one padded batch of 8 (the same
 * math), and classification scores label + eos (HF: next-token only).
 *
 * <p>{@code GpuBenchmark <batches.json> <out.json> [--layers N]}: {@code --layers} shrinks the model
 * (for a CPU smoke test of the code path; the result is then not an 8B figure).
 */
public final class GpuBenchmark {
    private GpuBenchmark() {}

    public static void main(String[] args) throws Exception {
        DjlFlags.apply();
        Path batchesFile = Path.of(args[0]);
        Path outFile = Path.of(args[1]);
        int layers = -1;
        for (int i = 2; i < args.length; i++) {
            if (args[i].equals("--layers")) {
                layers = Integer.parseInt(args[++i]);
            }
        }
        JsonNode batches = ContractJson.mapper().readTree(batchesFile.toFile());
        Path configFile = SharedAssets.resolve("models/llama-3.1-8b-instruct-config/config.json");
        ObjectNode configJson = (ObjectNode) ContractJson.mapper().readTree(configFile.toFile());
        if (layers > 0) {
            configJson.put("num_hidden_layers", layers);
        }
        LlamaConfig cfg = LlamaConfig.parse(configJson.toString());
        Path tokenizerDir = SharedAssets.llama3Tokenizer();

        Device device = Engine.getInstance().defaultDevice();
        String card = device.isGpu() ? gpuName() : "cpu";
        System.out.printf("device %s (%s), layers %d%n", device, card, cfg.numHiddenLayers());
        PeakMemory peak = PeakMemory.start(device);

        long t0 = System.nanoTime();
        LlamaModel model = LlamaModel.random(cfg, LoadOptions.defaults().withTokenizerDir(tokenizerDir), 1234);
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        long afterLoad = peak.current();
        System.out.printf("generated + NF4-quantized %d layers in %.1f s; device memory in use %.2f GiB%n",
                cfg.numHiddenLayers(), loadSeconds, afterLoad / GIB);

        // ---- training: the baseline's micro-batches, in its order
        int microBatch = batches.get("micro_batch").asInt();
        int gradAccum = batches.get("grad_accum").asInt();
        int steps = batches.get("steps").asInt();
        List<Example> train = new ArrayList<>();
        List<int[]> plan = new ArrayList<>();
        for (JsonNode mb : batches.get("train_micro_batches")) {
            int[] idx = new int[mb.size()];
            for (int j = 0; j < mb.size(); j++) {
                int[] tokens = ints(mb.get(j));
                idx[j] = train.size();
                // full sequences: [bos] prompt label eos; every token is a target (loss on all)
                train.add(new Example(tokens, tokens.length - 2));
            }
            plan.add(idx);
        }
        HyperParameters hp = HyperParameters.defaults().with(Map.of("microBatchSize", microBatch,
                "gradientAccumulationSteps", gradAccum, "maxSteps", steps, "lossOn", "all",
                "maxSeqLength", model.maxSeqLength()));
        List<TrainStepResult> results;
        double trainSeconds;
        long tokens;
        LoraAdapter adapter = LoraAdapter.init(model, LoraConfig.from(hp), hp.seed());
        try (LoraTrainer trainer = new LoraTrainer(model, adapter, hp, train)) {
            trainer.withMicroBatchPlan(plan).withMergedAccumulation(true).withActivationCheckpointing(true);
            trainer.onProgress(r -> {
                if (r.step() <= 3 || r.step() % 10 == 0) {
                    System.out.printf("step %2d loss %.4f lr %.2e %.3f s%n", r.step(), r.loss(), r.lr(), r.seconds());
                }
            });
            long t1 = System.nanoTime();
            results = trainer.train();
            trainSeconds = (System.nanoTime() - t1) / 1e9;
            tokens = results.stream().mapToLong(TrainStepResult::tokens).sum();
        }
        long trainPeak = peak.peak();
        double steadyStep = results.stream().skip(Math.min(5, results.size() - 1))
                .mapToDouble(TrainStepResult::seconds).average().orElse(Double.NaN);

        // ---- classification of the validation prompts (ids without bos: the classifier adds it)
        List<String> labels = new ArrayList<>();
        batches.get("validation_labels").forEach(n -> labels.add(n.asText()));
        List<int[]> prompts = new ArrayList<>();
        for (JsonNode p : batches.get("validation_prompts")) {
            int[] ids = ints(p);
            prompts.add(Arrays.copyOfRange(ids, 1, ids.length));
        }
        List<String> names = List.of("negative", "neutral", "positive");
        SentimentClassifier classifier = new SentimentClassifier(model, names, 32); // PEFT's batch
        System.out.println("classification scoring: " + classifier.scoring());
        long t2 = System.nanoTime();
        List<double[]> ll = classifier.logLikelihoodsOfPromptIds(prompts, adapter);
        double classifyFirst = (System.nanoTime() - t2) / 1e9;
        long t3 = System.nanoTime();
        ll = classifier.logLikelihoodsOfPromptIds(prompts, adapter);
        double classifyWarm = (System.nanoTime() - t3) / 1e9;
        SentimentClassifier wholeBatch = new SentimentClassifier(model, names, prompts.size());
        wholeBatch.logLikelihoodsOfPromptIds(prompts, adapter); // warm-up at this shape
        long t3b = System.nanoTime();
        wholeBatch.logLikelihoodsOfPromptIds(prompts, adapter);
        double classifyOneBatch = (System.nanoTime() - t3b) / 1e9;
        int correct = 0;
        for (int i = 0; i < ll.size(); i++) {
            if (classifier.classification(ll.get(i)).label().equals(labels.get(i))) {
                correct++;
            }
        }

        // ---- adapter swap: save the trained adapter, load it back as a new one, first batch with it
        Path dir = Files.createTempDirectory("gpu-bench-adapter");
        adapter.savePeft(dir, "random-llama-3.1-8b-shapes");
        long t4 = System.nanoTime();
        LoraAdapter swapped = LoraAdapter.loadPeft(dir, model);
        double swapLoad = (System.nanoTime() - t4) / 1e9;
        long t5 = System.nanoTime();
        classifier.logLikelihoodsOfPromptIds(prompts.subList(0, 32), swapped);
        double firstBatchAfterSwap = (System.nanoTime() - t5) / 1e9;
        peak.stop();

        BenchReport report = new BenchReport("gpu-" + (device.isGpu() ? "8b" : "cpu-smoke"))
                .context("card", card)
                .context("device", device.toString())
                .context("layers", cfg.numHiddenLayers())
                .context("hidden", cfg.hiddenSize())
                .context("nf4 weight bytes (bitsandbytes layout)", Nf4.quantizedWeightBytes(cfg))
                .context("batches", batchesFile.toString())
                .context("notes", "loss on all tokens, normalised by the step's total tokens; grad-accum run as one "
                        + "padded batch of " + microBatch * gradAccum + "; activation recomputation per layer; "
                        + "classification scores label + eos of every label in one row per prompt (shared prompt); device memory = "
                        + "cudaMemGetInfo used (context + caching allocator), sampled every 50 ms");
        report.row("metric", "load + quantize s", "value", loadSeconds);
        report.row("metric", "train 60 steps s", "value", trainSeconds);
        report.row("metric", "s per step (mean)", "value", trainSeconds / results.size());
        report.row("metric", "s per step (steps 6..)", "value", steadyStep);
        report.row("metric", "tokens", "value", tokens);
        report.row("metric", "tokens/s", "value", tokens / trainSeconds);
        report.row("metric", "first loss", "value", results.get(0).loss());
        report.row("metric", "last loss", "value", results.get(results.size() - 1).loss());
        report.row("metric", "skipped steps", "value", results.stream().filter(TrainStepResult::skipped).count());
        report.row("metric", "device memory after load GiB", "value", afterLoad / GIB);
        report.row("metric", "device memory peak GiB", "value", trainPeak / GIB);
        report.row("metric", "classify 200 first s", "value", classifyFirst);
        report.row("metric", "classify 200 warm s", "value", classifyWarm);
        report.row("metric", "classify tweets/s (batch 32)", "value", prompts.size() / classifyWarm);
        report.row("metric", "classify 200 in one batch s", "value", classifyOneBatch);
        report.row("metric", "classify tweets/s (one batch of 200)", "value", prompts.size() / classifyOneBatch);
        report.row("metric", "validation accuracy (random weights)", "value", correct / (double) prompts.size());
        report.row("metric", "adapter swap: load s", "value", swapLoad);
        report.row("metric", "adapter swap: first batch of 32 s", "value", firstBatchAfterSwap);
        Path json = report.finish();
        Files.copy(json, outFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        swapped.close();
        adapter.close();
        model.close();
    }

    private static final double GIB = 1024.0 * 1024 * 1024;

    private static int[] ints(JsonNode arr) {
        int[] out = new int[arr.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = arr.get(i).asInt();
        }
        return out;
    }

    private static String gpuName() {
        try {
            Process p = new ProcessBuilder("nvidia-smi", "--query-gpu=name", "--format=csv,noheader").start();
            return new String(p.getInputStream().readAllBytes()).trim();
        } catch (Exception e) {
            return "gpu";
        }
    }

    /** Samples the device's used memory (cudaMemGetInfo) in the background and keeps the maximum. */
    private static final class PeakMemory {
        private final Device device;
        private final AtomicLong max = new AtomicLong();
        private volatile boolean running = true;

        private PeakMemory(Device device) {
            this.device = device;
        }

        static PeakMemory start(Device device) {
            PeakMemory p = new PeakMemory(device);
            if (device.isGpu()) {
                Thread t = new Thread(() -> {
                    while (p.running) {
                        p.max.accumulateAndGet(p.current(), Math::max);
                        try {
                            Thread.sleep(50);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }, "gpu-memory-sampler");
                t.setDaemon(true);
                t.start();
            }
            return p;
        }

        long current() {
            if (!device.isGpu()) {
                return (long) (BenchReport.rssMb() * 1024 * 1024);
            }
            MemoryUsage u = CudaUtils.getGpuMemory(device);
            return u.getUsed();
        }

        long peak() {
            return Math.max(max.get(), current());
        }

        void stop() {
            running = false;
        }
    }
}
