package io.lorastream.bench;

import ai.djl.Device;
import io.lorastream.contracts.HyperParameters;
import io.lorastream.contracts.PromptRecord;
import io.lorastream.contracts.SentimentLabel;
import io.lorastream.llm.Classification;
import io.lorastream.llm.ClassificationMetrics;
import io.lorastream.llm.DjlFlags;
import io.lorastream.llm.Evaluation;
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
import java.util.List;
import java.util.Map;

/**
 * The trainer's reference recipe on CPU, on the engine directly (what one trainer run does, without
 * Kafka and the database): stories260K-hf (NF4), 1,000 train / 200 validation TweetEval prompts (ingest's
 * reference sample, {@link ReferenceDataset}), LoRA r 16 on the seven projections, micro-batch 2 x grad-accum 4, 60 steps, lr 2e-4,
 * loss on the completion. Reports load, training (wall time, tokens/s, seconds per step) and the final
 * evaluation (validation loss, accuracy, macro-recall), then every step.
 *
 * <pre>bench/run TrainerBenchmark [modelDir] [steps]</pre>
 */
public final class TrainerBenchmark {
    private TrainerBenchmark() {}

    public static void main(String[] args) {
        DjlFlags.apply();
        Path modelDir = args.length > 0 ? Path.of(args[0]) : SharedAssets.stories260K();
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        HyperParameters hp = HyperParameters.defaults().with(Map.of("maxSteps", steps));

        String loadAverage = BenchReport.loadAverage();
        long t0 = System.nanoTime();
        try (LlamaModel model = LlamaModel.load(modelDir, LoadOptions.defaults().withDevice(Device.cpu()))) {
            double loadSeconds = seconds(t0);
            int maxSeq = Example.maxSeqLength(hp, model);
            hp = hp.with(Map.of("maxSeqLength", maxSeq)); // the default 2048 capped to the model's, as the service does
            ReferenceDataset data = ReferenceDataset.load();
            List<PromptRecord> trainRecords = data.train();
            List<PromptRecord> validationRecords = data.validation();
            long t1 = System.nanoTime();
            List<Example> train = new ArrayList<>();
            for (PromptRecord r : trainRecords) {
                train.add(Example.forTraining(model.tokenizer(), r, maxSeq));
            }
            List<Example> validation = new ArrayList<>();
            for (PromptRecord r : validationRecords) {
                validation.add(Example.forTraining(model.tokenizer(), r, maxSeq));
            }
            double tokenizeSeconds = seconds(t1);

            List<TrainStepResult> results = new ArrayList<>();
            long t2 = System.nanoTime();
            try (LoraAdapter adapter = LoraAdapter.init(model, LoraConfig.from(hp), hp.seed());
                    LoraTrainer trainer = new LoraTrainer(model, adapter, hp, train)) {
                while (!trainer.finished()) {
                    results.add(trainer.step());
                }
                double trainSeconds = seconds(t2);

                long t3 = System.nanoTime();
                double validationLoss = Evaluation.loss(model, adapter, validation, 16, hp.lossOn());
                double lossSeconds = seconds(t3);
                long t4 = System.nanoTime();
                SentimentClassifier classifier = new SentimentClassifier(model, SentimentLabel.texts(), 16);
                List<Classification> predicted = classifier.classify(
                        validationRecords.stream().map(PromptRecord::input).toList(), adapter);
                double classifySeconds = seconds(t4);
                ClassificationMetrics metrics = ClassificationMetrics.of(
                        validationRecords.stream().map(PromptRecord::output).toList(),
                        predicted.stream().map(Classification::label).toList(), SentimentLabel.texts());

                long tokens = results.stream().mapToLong(TrainStepResult::tokens).sum();
                double[] stepSeconds = results.stream().mapToDouble(TrainStepResult::seconds).sorted().toArray();
                BenchReport summary = new BenchReport("trainer-cpu")
                        .context("model", modelDir.getFileName() + " (NF4 on load, float32 compute, CPU, 1 intra-op thread)")
                        .context("data", data.describe())
                        .context("recipe", "LoRA r " + hp.loraR() + " alpha " + hp.loraAlpha() + " on " + hp.targetModules()
                                + ", micro-batch " + hp.microBatchSize() + " x grad-accum " + hp.gradientAccumulationSteps()
                                + ", " + steps + " steps, lr " + hp.learningRate() + " linear, warmup " + hp.warmupSteps()
                                + ", max seq " + maxSeq + ", loss on " + hp.lossOn().wireName())
                        .context("trainable parameters", adapter.trainableParameters())
                        .context("load average at start (shared machine)", loadAverage)
                        .context("final train loss", results.get(results.size() - 1).loss())
                        .context("validation loss", validationLoss)
                        .context("validation accuracy", metrics.accuracy())
                        .context("validation macro-recall", metrics.macroRecall());
                summary.row("phase", "load model", "seconds", loadSeconds);
                summary.row("phase", "tokenize 1,200 prompts", "seconds", tokenizeSeconds);
                summary.row("phase", "train " + steps + " steps", "seconds", trainSeconds, "tokens", tokens,
                        "tokens/s", tokens / trainSeconds, "s/step mean", trainSeconds / steps,
                        "s/step median", stepSeconds[stepSeconds.length / 2],
                        "s/step p90", stepSeconds[(int) Math.min(stepSeconds.length - 1, Math.ceil(0.9 * stepSeconds.length) - 1)]);
                summary.row("phase", "validation loss (200)", "seconds", lossSeconds);
                summary.row("phase", "classify 200 tweets", "seconds", classifySeconds, "tweets/s",
                        validationRecords.size() / classifySeconds);
                summary.row("phase", "total", "seconds", seconds(t0));
                summary.finish();

                BenchReport perStep = new BenchReport("trainer-cpu-steps")
                        .context("run", "the steps of trainer-cpu (same date)");
                for (TrainStepResult r : results) {
                    perStep.row("step", r.step(), "loss", r.loss(), "lr", r.lr(), "grad norm", r.gradNorm(),
                            "tokens", r.tokens(), "seconds", r.seconds(), "tokens/s", r.tokensPerSecond());
                }
                perStep.finish();
            }
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
