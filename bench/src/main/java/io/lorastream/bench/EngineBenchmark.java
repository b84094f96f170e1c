package io.lorastream.bench;

import ai.djl.Device;
import io.lorastream.contracts.HyperParameters;
import io.lorastream.contracts.PromptRecord;
import io.lorastream.contracts.SentimentLabel;
import io.lorastream.llm.DjlFlags;
import io.lorastream.llm.Example;
import io.lorastream.llm.LlamaModel;
import io.lorastream.llm.LoadOptions;
import io.lorastream.llm.LoraAdapter;
import io.lorastream.llm.LoraConfig;
import io.lorastream.llm.LoraTrainer;
import io.lorastream.llm.SentimentClassifier;
import io.lorastream.llm.TrainStepResult;
import io.lorastream.testing.SharedAssets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Engine throughput on CPU (issue 3 item 9) for stories260K-hf and tiny-llama3-a (with the real Llama 3
 * tokenizer), on the reference TweetEval prompts in the contracts' template:
 * <ul>
 *   <li>training: LoRA steps (r 16 on the seven projections, NF4 base) of micro-batch 8 without
 *       accumulation, loss on the completion; each step is forward + backward + clipping + AdamW, and
 *       tokens/s counts real (non-padding) tokens over the timed steps;
 *   <li>classification: {@link SentimentClassifier} with batch 8 (8 tweets = 24 rows, one per label) and
 *       the adapter just trained; tweets/s over the timed tweets.
 * </ul>
 * Each measurement runs warm-up iterations first (not counted).
 *
 * <pre>bench/run EngineBenchmark [timedSteps=20] [timedTweets=200]</pre>
 */
public final class EngineBenchmark {
    static final int BATCH = 8;
    static final int WARMUP_STEPS = 3;
    static final int WARMUP_TWEETS = 2 * BATCH;

    private EngineBenchmark() {}

    public static void main(String[] args) {
        DjlFlags.apply();
        int timedSteps = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int timedTweets = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        ReferenceDataset data = ReferenceDataset.load();
        if (timedTweets + WARMUP_TWEETS > data.validation().size() + data.train().size()) {
            throw new IllegalArgumentException("at most " + (data.validation().size() + data.train().size() - WARMUP_TWEETS)
                    + " tweets can be timed");
        }
        BenchReport report = new BenchReport("engine-cpu")
                .context("device", "CPU, float32 compute, 1 intra-op thread (ai.djl.pytorch.num_threads=1)")
                .context("data", data.describe())
                .context("training", "LoRA r 16 alpha 16 on the seven projections of the NF4 base, micro-batch " + BATCH
                        + " x grad-accum 1, loss on the completion, length-bucketed batches; a step = forward + backward"
                        + " + clip + AdamW; " + WARMUP_STEPS + " warm-up steps, then " + timedSteps + " timed")
                .context("classification", "SentimentClassifier, " + BATCH + " tweets per batch (x "
                        + SentimentLabel.texts().size() + " label rows), the trained adapter; " + WARMUP_TWEETS
                        + " warm-up tweets, then " + timedTweets + " timed (validation, then train prompts)")
                .context("load average at start (1/5/15 min, 2 shared cores)", BenchReport.loadAverage());

        LoadOptions cpu = LoadOptions.defaults().withDevice(Device.cpu());
        measure(report, "stories260K-hf", SharedAssets.stories260K(), cpu, data, timedSteps, timedTweets);
        measure(report, "tiny-llama3-a", SharedAssets.golden("tiny-llama3-a"),
                cpu.withTokenizerDir(SharedAssets.llama3Tokenizer()), data, timedSteps, timedTweets);

        report.context("load average at end", BenchReport.loadAverage());
        report.finish();
    }

    private static void measure(BenchReport report, String name, Path dir, LoadOptions options, ReferenceDataset data,
            int timedSteps, int timedTweets) {
        long t0 = System.nanoTime();
        try (LlamaModel model = LlamaModel.load(dir, options)) {
            double loadSeconds = seconds(t0);
            HyperParameters hp = HyperParameters.defaults().with(Map.of("microBatchSize", BATCH,
                    "gradientAccumulationSteps", 1, "maxSteps", WARMUP_STEPS + timedSteps));
            int maxSeq = Example.maxSeqLength(hp, model);
            List<Example> train = new ArrayList<>();
            for (PromptRecord r : data.train()) {
                train.add(Example.forTraining(model.tokenizer(), r, maxSeq));
            }
            try (LoraAdapter adapter = LoraAdapter.init(model, LoraConfig.from(hp), hp.seed())) {
                List<TrainStepResult> timed = new ArrayList<>();
                try (LoraTrainer trainer = new LoraTrainer(model, adapter, hp, train)) {
                    while (!trainer.finished()) {
                        TrainStepResult r = trainer.step();
                        if (r.step() > WARMUP_STEPS) {
                            timed.add(r);
                        }
                    }
                }
                long tokens = timed.stream().mapToLong(TrainStepResult::tokens).sum();
                double trainSeconds = timed.stream().mapToDouble(TrainStepResult::seconds).sum();
                double[] stepMs = timed.stream().mapToDouble(r -> r.seconds() * 1e3).sorted().toArray();
                report.row("model", name, "measure", "train step (fwd+bwd+AdamW)", "batch", BATCH,
                        "timed", timedSteps + " steps", "throughput", tokens / trainSeconds, "unit", "tokens/s",
                        "ms/batch median", percentile(stepMs, 0.5), "ms/batch p90", percentile(stepMs, 0.9),
                        "tokens/batch mean", (double) tokens / timed.size(), "load s", loadSeconds);

                SentimentClassifier classifier = new SentimentClassifier(model, SentimentLabel.texts(), BATCH);
                List<String> tweets = new ArrayList<>();
                data.validation().forEach(r -> tweets.add(r.input()));
                data.train().forEach(r -> tweets.add(r.input()));
                classifier.classify(tweets.subList(0, WARMUP_TWEETS), adapter);
                List<String> measured = tweets.subList(WARMUP_TWEETS, WARMUP_TWEETS + timedTweets);
                double[] batchMs = new double[(measured.size() + BATCH - 1) / BATCH];
                for (int b = 0; b < batchMs.length; b++) {
                    long t = System.nanoTime();
                    classifier.classify(measured.subList(b * BATCH, Math.min(measured.size(), (b + 1) * BATCH)), adapter);
                    batchMs[b] = seconds(t) * 1e3;
                }
                double classifySeconds = Arrays.stream(batchMs).sum() / 1e3;
                Arrays.sort(batchMs);
                report.row("model", name, "measure", "classify (3 labels)", "batch", BATCH,
                        "timed", timedTweets + " tweets", "throughput", timedTweets / classifySeconds, "unit", "tweets/s",
                        "ms/batch median", percentile(batchMs, 0.5), "ms/batch p90", percentile(batchMs, 0.9));
            }
        }
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(double[] sorted, double p) {
        return sorted[(int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
    }

    static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
