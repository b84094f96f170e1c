package io.lorastream.llm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lorastream.contracts.ContractJson;
import io.lorastream.contracts.HyperParameters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The small part of a training checkpoint ({@code trainer-state.json}); the optimizer moments and the
 * adapter sit beside it. Everything a resumed run needs to continue bit for bit: the step, the data
 * order position (epoch and next micro-batch of that epoch's plan), the optimizer's update count and
 * the fingerprints that refuse a resume with other data, other settings or another adapter.
 *
 * <p>There is no torch RNG state to save: the trainer reseeds torch before every layer of every
 * micro-batch from {@code (seed, step, micro-batch, layer)}, so the random stream is a function of
 * the position.
 *
 * @param lossScale           float16 training's dynamic loss scale (1 in float32)
 * @param lossScaleCleanSteps clean steps since the scale last changed
 * @param trainSha256    SHA-256 over the training examples' tokens and prompt lengths, in order
 * @param adapterSha256  SHA-256 over the adapter's float32 values (PEFT order) at the save
 */
public record TrainerState(
        int formatVersion,
        int completedSteps,
        int optimizerUpdates,
        int epoch,
        int nextMicroBatch,
        double lossScale,
        int lossScaleCleanSteps,
        HyperParameters hyperParameters,
        int trainExamples,
        String trainSha256,
        String adapterSha256) {

    public static final int FORMAT_VERSION = 1;
    public static final String FILE = "trainer-state.json";

    private static final ObjectMapper JSON = ContractJson.mapper().copy().enable(SerializationFeature.INDENT_OUTPUT);

    void write(Path dir) {
        try {
            Files.write(dir.resolve(FILE), JSON.writeValueAsBytes(this));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(FILE), e);
        }
    }

    static TrainerState read(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            throw new IllegalArgumentException("no " + FILE + " in " + dir + ": not a saved training state");
        }
        TrainerState s;
        try {
            s = JSON.readValue(file.toFile(), TrainerState.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable training state " + file + ": " + e.getMessage(), e);
        }
        if (s.formatVersion != FORMAT_VERSION) {
            throw new IllegalArgumentException(file + " has format " + s.formatVersion + ", this engine reads " + FORMAT_VERSION);
        }
        return s;
    }
}
