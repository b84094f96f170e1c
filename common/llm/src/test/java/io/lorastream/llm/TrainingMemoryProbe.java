package io.lorastream.llm;

import ai.djl.Device;
import io.lorastream.contracts.HyperParameters;
import io.lorastream.contracts.PromptRecord;
import io.lorastream.contracts.Split;
import io.lorastream.testing.SharedAssets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Measures resident memory over a long training run (issue 3 item 8, decisions.md: "memory flat" = RSS
 * grows by less than 50 MB between step 100 and step 500). A measuring tool for the bench module, not
 * a test. Run it with {@code -Xms = -Xmx} and {@code -XX:+AlwaysPreTouch}: without pre-touching, the
 * JVM touches heap pages lazily as the collector cycles through them, and that alone showed as +70 MB
 * of RSS between steps 100 and 500 while every NDManager's array count stayed constant.
 *
 * <pre>java -Xms256m -Xmx256m -XX:+AlwaysPreTouch -cp ... io.lorastream.llm.TrainingMemoryProbe [steps=500] [microBatch=2] [accum=1]</pre>
 */
public final class TrainingMemoryProbe {
    private TrainingMemoryProbe() {}

    /** One sample: after {@code step} steps, resident set size in MiB and the last step's loss. */
    public record Sample(int step, double rssMiB, double loss, double tokensPerSecond) {}

    public static void main(String[] args) throws Exception {
        DjlFlags.apply();
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int micro = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int accum = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        List<Sample> samples = run(SharedAssets.stories260K(), steps, micro, accum);
        System.out.println("| step | RSS MiB | loss | tokens/s |");
        System.out.println("|---:|---:|---:|---:|");
        for (Sample s : samples) {
            System.out.printf("| %d | %.1f | %.4f | %.0f |%n", s.step(), s.rssMiB(), s.loss(), s.tokensPerSecond());
        }
        Sample at100 = samples.stream().filter(s -> s.step() == Math.min(100, steps)).findFirst().orElseThrow();
        Sample last = samples.get(samples.size() - 1);
        System.out.printf("RSS growth step %d -> %d: %+.1f MiB (flat means < 50 MB)%n", at100.step(), last.step(),
                last.rssMiB() - at100.rssMiB());
    }

    /** Trains stories260K (NF4) on 200 TweetEval prompts for {@code steps}; samples RSS at 0, 100, then every 100. */
    public static List<Sample> run(Path modelDir, int steps, int micro, int accum) {
        HyperParameters hp = HyperParameters.defaults().with(Map.of("maxSteps", steps, "microBatchSize", micro,
                "gradientAccumulationSteps", accum));
        List<Sample> samples = new ArrayList<>();
        try (LlamaModel model = LlamaModel.load(modelDir, LoadOptions.defaults().withDevice(Device.cpu()))) {
            List<Example> train = new ArrayList<>();
            for (PromptRecord r : TweetEvalSample.first(Split.TRAIN, 200)) {
                train.add(Example.forTraining(model.tokenizer(), r, model.maxSeqLength()));
            }
            try (LoraAdapter adapter = LoraAdapter.init(model, LoraConfig.from(hp), hp.seed());
                    LoraTrainer trainer = new LoraTrainer(model, adapter, hp, train)) {
                samples.add(new Sample(0, rssMiB(), Double.NaN, 0));
                while (!trainer.finished()) {
                    TrainStepResult r = trainer.step();
                    if (r.step() == 100 || r.step() % 100 == 0 || r.step() == steps) {
                        samples.add(new Sample(r.step(), rssMiB(), r.loss(), r.tokensPerSecond()));
                    }
                }
            }
        }
        return samples;
    }

    /** VmRSS of this process from /proc (Linux). */
    public static double rssMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/self/status", e);
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
