package io.lorastream.bench;

import ai.djl.Device;
import io.lorastream.contracts.HyperParameters;
import io.lorastream.contracts.PromptRecord;
import io.lorastream.llm.DjlFlags;
import io.lorastream.llm.Example;
import io.lorastream.llm.LlamaModel;
import io.lorastream.llm.LoadOptions;
import io.lorastream.llm.LoraAdapter;
import io.lorastream.llm.LoraConfig;
import io.lorastream.llm.LoraTrainer;
import io.lorastream.llm.TrainStepResult;
import io.lorastream.testing.SharedAssets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * No native memory leak in training (issue 3 item 8): resident memory over 500 LoRA steps of
 * stories260K-hf (NF4) with the reference recipe (micro-batch 2 x grad-accum 4 on the 1,000 reference
 * train prompts, so 4 epochs), sampled at step 0 (before the first step), 100, then every 100.
 * Pass = RSS grows by less than 50 MB between step 100 and the last step (decisions.md "Memory flat").
 *
 * <p>The figures need a fixed, pre-touched Java heap; the benchmark relaunches itself with
 * {@code -Xms512m -Xmx512m -XX:+AlwaysPreTouch} when started without ({@link BenchJvm}). Exit status 1
 * when the check fails.
 *
 * <pre>bench/run MemoryBenchmark [steps=500]</pre>
 */
public final class MemoryBenchmark {
    static final int HEAP_MIB = 512;
    static final double FLAT_LIMIT_MB = 50;
    static final int SAMPLE_EVERY = 100;

    private MemoryBenchmark() {}

    public static void main(String[] args) {
        BenchJvm.requirePreTouchedHeap(MemoryBenchmark.class, args, HEAP_MIB);
        DjlFlags.apply();
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        if (steps < SAMPLE_EVERY) {
            throw new IllegalArgumentException("run at least " + SAMPLE_EVERY + " steps, was " + steps);
        }
        String loadAtStart = BenchReport.loadAverage();
        ReferenceDataset data = ReferenceDataset.load();
        HyperParameters hp = HyperParameters.defaults().with(Map.of("maxSteps", steps));
        BenchReport report = new BenchReport("engine-memory")
                .context("model", "stories260K-hf, NF4 on load, float32 compute, CPU, 1 intra-op thread")
                .context("data", data.describe())
                .context("recipe", "reference: LoRA r " + hp.loraR() + " on the seven projections, micro-batch "
                        + hp.microBatchSize() + " x grad-accum " + hp.gradientAccumulationSteps() + ", lr "
                        + hp.learningRate() + " linear, loss on " + hp.lossOn().wireName() + ", " + steps + " steps")
                .context("JVM heap", BenchJvm.heapMiB() + " MiB fixed and pre-touched (-Xms = -Xmx, -XX:+AlwaysPreTouch)")
                .context("load average at start (1/5/15 min, 2 shared cores)", loadAtStart);

        List<double[]> samples = new ArrayList<>(); // {step, rss MiB, loss, training seconds so far}
        try (LlamaModel model = LlamaModel.load(SharedAssets.stories260K(), LoadOptions.defaults().withDevice(Device.cpu()))) {
            int maxSeq = Example.maxSeqLength(hp, model);
            List<Example> train = new ArrayList<>();
            for (PromptRecord r : data.train()) {
                train.add(Example.forTraining(model.tokenizer(), r, maxSeq));
            }
            try (LoraAdapter adapter = LoraAdapter.init(model, LoraConfig.from(hp), hp.seed());
                    LoraTrainer trainer = new LoraTrainer(model, adapter, hp, train)) {
                samples.add(new double[] {0, BenchReport.rssMb(), Double.NaN, 0});
                long start = System.nanoTime();
                while (!trainer.finished()) {
                    TrainStepResult r = trainer.step();
                    if (r.step() % SAMPLE_EVERY == 0 || r.step() == steps) {
                        samples.add(new double[] {r.step(), BenchReport.rssMb(), r.loss(), EngineBenchmark.seconds(start)});
                        System.err.printf("[bench] step %d: RSS %.1f MiB, loss %.4f%n", r.step(), samples.get(samples.size() - 1)[1], r.loss());
                    }
                }
            }
        }

        double at100 = samples.stream().filter(s -> s[0] == SAMPLE_EVERY).findFirst().orElseThrow()[1];
        for (double[] s : samples) {
            report.row("step", (int) s[0], "RSS MiB", s[1], "vs step 100 MiB", s[0] >= SAMPLE_EVERY ? s[1] - at100 : null,
                    "loss", Double.isNaN(s[2]) ? null : s[2], "training s", s[3]);
        }
        double[] last = samples.get(samples.size() - 1);
        double growthMb = (last[1] - at100) * 1.048576; // MiB to MB
        boolean flat = growthMb < FLAT_LIMIT_MB;
        report.context("RSS growth step 100 -> " + (int) last[0], String.format("%+.1f MB (%+.1f MiB): %s (flat = < %.0f MB)",
                growthMb, last[1] - at100, flat ? "PASS" : "FAIL", FLAT_LIMIT_MB));
        report.context("load average at end", BenchReport.loadAverage());
        report.finish();
        if (!flat) {
            System.exit(1);
        }
    }
}
