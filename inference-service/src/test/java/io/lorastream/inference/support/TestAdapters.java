package io.lorastream.inference.support;

import ai.djl.Device;
import io.lorastream.contracts.CheckpointEvent;
import io.lorastream.contracts.CheckpointMetrics;
import io.lorastream.contracts.Digests;
import io.lorastream.llm.LlamaConfig;
import io.lorastream.llm.LoraAdapter;
import io.lorastream.llm.LoraConfig;
import io.lorastream.llm.SafetensorsWriter;
import io.lorastream.testing.SharedAssets;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Real PEFT adapters for stories260K, written with the engine: PEFT's initialisation with B replaced by
 * random values, so each seed classifies differently (a trained adapter would too, but training takes
 * longer than these tests should). Also the corrupt variants the service must reject.
 */
public final class TestAdapters {
    public static final Path ROOT = TestPaths.ADAPTERS;
    private static final LoraConfig LORA = new LoraConfig(4, 8, 0.0, LoraConfig.ALL_TARGETS);
    private static String baseSha;

    private TestAdapters() {}

    public static Path model() {
        return SharedAssets.stories260K();
    }

    public static synchronized String baseModelSha256() {
        if (baseSha == null) {
            baseSha = Digests.modelSha256(model());
        }
        return baseSha;
    }

    /** A valid adapter folder whose predictions depend on {@code seed}. */
    public static Path create(String name, long seed) {
        return write(name, seed, false);
    }

    /** An adapter whose lora_A of layer 0 q_proj has one input column too many: sha256 fine, shapes wrong. */
    public static Path wrongShapes(String name, long seed) {
        return write(name, seed, true);
    }

    private static Path write(String name, long seed, boolean breakShape) {
        LlamaConfig cfg = LlamaConfig.load(model().resolve("config.json"));
        Path dir = ROOT.resolve(name);
        SplittableRandom rng = new SplittableRandom(seed * 31 + 7);
        try (LoraAdapter a = LoraAdapter.init(cfg, LORA, seed, Device.cpu())) {
            a.savePeft(dir, model().toString());
            SafetensorsWriter w = new SafetensorsWriter();
            a.peftTensors().forEach((tensor, array) -> {
                long[] shape = array.getShape().getShape();
                if (tensor.endsWith("lora_B.weight")) {
                    float[] b = new float[(int) array.size()];
                    for (int i = 0; i < b.length; i++) {
                        b[i] = (float) ((rng.nextDouble() * 2 - 1) * 0.6);
                    }
                    w.putF32(tensor, shape, b);
                } else if (breakShape && tensor.contains("layers.0.self_attn.q_proj.lora_A")) {
                    w.putF32(tensor, new long[] {shape[0], shape[1] + 1}, new float[(int) (shape[0] * (shape[1] + 1))]);
                } else {
                    w.putF32(tensor, array);
                }
            });
            w.write(dir.resolve(LoraAdapter.WEIGHTS_FILE));
        }
        return dir;
    }

    public static String sha256(Path adapterDir) {
        return Digests.adapterSha256(adapterDir);
    }

    /** A checkpoint event as the trainer publishes it, with the true digests. */
    public static CheckpointEvent event(String adapterId, int version, Path dir, Double macroRecall) {
        return event(adapterId, version, dir, sha256(dir), baseModelSha256(), macroRecall);
    }

    public static CheckpointEvent event(String adapterId, int version, Path dir, String adapterSha256,
            String baseModelSha256, Double macroRecall) {
        return CheckpointEvent.of("run-" + adapterId, adapterId, version, version * 10, false, "stories260K-hf",
                baseModelSha256, dir.toUri().toString(), adapterSha256,
                new CheckpointMetrics(1.0, 1.1, macroRecall, macroRecall, macroRecall, "completion"));
    }
}
