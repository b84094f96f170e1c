package io.lorastream.trainer.config;

import io.lorastream.hub.HubConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Everything the trainer reads from configuration, under {@code lorastream.trainer}. */
@ConfigMapping(prefix = "lorastream.trainer")
public interface TrainerConfig {

    /**
     * The default base model: a local Hugging Face folder, or a Hub model id ({@code owner/name}) that is
     * downloaded into {@link Hub#cacheDir()} on first use. A training request may name another.
     */
    @WithDefault("unsloth/Meta-Llama-3.1-8B-Instruct-bnb-4bit")
    String baseModel();

    /** Where adapters (PEFT files) and their trainer state are kept: {@code <dir>/<adapterId>/<version>/}. */
    @WithDefault("var/artifacts")
    Path artifactDir();

    /**
     * Base URL under which this service is reachable (e.g. {@code http://trainer:8082}); when set,
     * checkpoint events carry {@code <public-url>/adapters/<id>/<version>} instead of a {@code file:} URI.
     */
    Optional<URI> publicUrl();

    /** Adapter id every run publishes under; by default the dataset id. Versions rise across runs. */
    Optional<String> adapterId();

    /** Start a run with the default hyper-parameters for every dataset that becomes complete. */
    @WithDefault("false")
    boolean autoTrain();

    /**
     * Records of a dataset whose {@code DatasetSealed} has not arrived this long after its last record
     * are treated as records of an unknown dataset: dead-lettered and dropped.
     */
    @WithDefault("PT1H")
    Duration sealTimeout();

    /** How often the unsealed-records sweep runs. */
    @WithDefault("PT1M")
    Duration sweepInterval();

    /** Device for training: {@code auto} (GPU when present), {@code cpu} or {@code gpu}. */
    @WithDefault("auto")
    String device();

    /** Micro-batch size of the validation passes (loss and classification). */
    @WithDefault("16")
    int evalBatchSize();

    /** At most this many validation records are evaluated per checkpoint (0 = all). */
    @WithDefault("0")
    int evalMaxRecords();

    Hub hub();

    /** The Hugging Face Hub the base model is downloaded from. */
    interface Hub {
        @WithDefault("https://huggingface.co")
        URI endpoint();

        /** Bearer token for gated or private models; never logged. */
        Optional<String> token();

        @WithDefault("main")
        String revision();

        @WithDefault("var/model-cache")
        Path cacheDir();

        /** Attempts per file; a dropped connection resumes the partial file with a Range request. */
        @WithDefault("5")
        int attempts();

        @WithDefault("PT30S")
        Duration connectTimeout();

        /** The Hub client settings: base-model downloads and adapter publishing share them. */
        default HubConfig clientConfig() {
            return HubConfig.defaults()
                    .withEndpoint(endpoint())
                    .withToken(token().orElse(null))
                    .withRetries(Math.max(1, attempts()), Duration.ofMillis(500), Duration.ofSeconds(10))
                    .withTimeouts(connectTimeout(), HubConfig.defaults().requestTimeout());
        }
    }
}
