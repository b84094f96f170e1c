package io.lorastream.inference.service;

import io.lorastream.contracts.SentimentLabel;
import io.lorastream.inference.config.InferenceConfig;
import io.lorastream.llm.Classification;
import io.lorastream.llm.DjlFlags;
import io.lorastream.llm.LlamaModel;
import io.lorastream.llm.LoadOptions;
import io.lorastream.llm.LoraAdapter;
import io.lorastream.llm.SentimentClassifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.jboss.logging.Logger;

/**
 * The base model and its classifier. Loaded once, at start, from {@code lorastream.inference.model.path};
 * adapters are arguments of each call, so any loaded adapter can classify any batch.
 */
@ApplicationScoped
public class ModelService {
    static {
        DjlFlags.apply(); // backstop: @QuarkusTest never runs InferenceMain (shared/notes/quarkus-djl.md)
    }

    private static final Logger LOG = Logger.getLogger(ModelService.class);

    private final InferenceConfig.Model config;
    /** Texts per forward: the stream's micro-batch goes through in one pass. */
    private final int batchSize;
    /** One forward at a time: the CPU engine runs one intra-op thread, and the stream and REST share it. */
    private final ReentrantLock forward = new ReentrantLock(true);
    private volatile LlamaModel model;
    private volatile SentimentClassifier classifier;
    private volatile String modelId;
    private volatile String failure;

    public ModelService(InferenceConfig config) {
        this.config = config.model();
        this.batchSize = config.batch().maxSize();
    }

    /** Loads the base model (blocking); on failure the reason is kept for the readiness check. */
    public synchronized void load() {
        if (model != null) {
            return;
        }
        Path path = config.path().toAbsolutePath();
        long t0 = System.nanoTime();
        try {
            LlamaModel m = LlamaModel.load(path, LoadOptions.defaults().withQuantize(config.quantize()));
            String sha = m.baseModelSha256();
            classifier = new SentimentClassifier(m, SentimentLabel.texts(), Math.max(1, batchSize));
            modelId = config.id().orElse(path.getFileName().toString());
            model = m;
            failure = null;
            LOG.infof("base model %s loaded from %s in %d ms (sha256 %s, %s, NF4 %s)", modelId, path,
                    (System.nanoTime() - t0) / 1_000_000, sha, m.device(), config.quantize());
        } catch (RuntimeException e) {
            failure = "cannot load the base model from " + path + ": " + e.getMessage();
            LOG.error(failure, e);
            throw e;
        }
    }

    public boolean isLoaded() {
        return model != null;
    }

    /** Why the model is not loaded, when loading failed. */
    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    public String modelId() {
        return modelId;
    }

    public String baseModelSha256() {
        return loaded().baseModelSha256();
    }

    /** Classifies texts (already stripped) with the adapter, or the base model for null. */
    public List<Classification> classify(List<String> texts, LoraAdapter adapterOrNull) {
        SentimentClassifier c = classifier;
        if (c == null) {
            throw new IllegalStateException("the base model is not loaded yet");
        }
        forward.lock();
        try {
            return c.classify(texts, adapterOrNull);
        } finally {
            forward.unlock();
        }
    }

    /** Loads a PEFT adapter folder for this model; throws when targets or shapes do not fit it. */
    public LoraAdapter loadAdapter(Path folder) {
        return LoraAdapter.loadPeft(folder, loaded());
    }

    private LlamaModel loaded() {
        LlamaModel m = model;
        if (m == null) {
            throw new IllegalStateException("the base model is not loaded yet");
        }
        return m;
    }

    @PreDestroy
    void close() {
        LlamaModel m = model;
        model = null;
        classifier = null;
        if (m != null) {
            forward.lock(); // never pull the weights from under a running forward
            try {
                m.close();
            } finally {
                forward.unlock();
            }
        }
    }
}
