package io.lorastream.inference.config;

import io.lorastream.contracts.Topics;
import io.lorastream.inference.domain.SwapPolicy;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Every setting of the inference service, under {@code lorastream.inference} (README: configuration table). */
@ConfigMapping(prefix = "lorastream.inference")
public interface InferenceConfig {

    Model model();

    Batch batch();

    Stream stream();

    Adapters adapters();

    Rest rest();

    interface Model {
        /** Hugging Face folder of the base model (config.json, safetensors, tokenizer). */
        Path path();

        /** Name shown in the registry and logs; the folder name when absent. */
        Optional<String> id();

        /** NF4-quantize the linear weights on load, as the trainer does. */
        @WithDefault("true")
        boolean quantize();
    }

    interface Batch {
        /**
         * Largest micro-batch classified in one forward pass. Small on CPU: the forward's cost grows faster
         * than the batch (attention intermediates, padding), and a swap waits for the batch in hand.
         */
        @WithDefault("4")
        int maxSize();

        /** How long the first tweet of a micro-batch waits for company. */
        @WithDefault("20ms")
        Duration maxWait();
    }

    interface Stream {
        /** Run the Kafka tweet loop; off only for deployments that serve REST alone. */
        @WithDefault("true")
        boolean enabled();

        @WithDefault(Topics.TWEETS)
        String tweetsTopic();

        @WithDefault(Topics.SENTIMENTS)
        String resultsTopic();

        /** Consumer group of the tweet loop (decisions.md: lorastream-<service>). */
        @WithDefault("lorastream-inference")
        String groupId();

        /** Tweets longer than this (characters, after stripping) are dead-lettered. */
        @WithDefault("4096")
        int maxChars();

        /** Create the service's topics at start when missing (partitions per decisions.md). */
        @WithDefault("true")
        boolean createTopics();

        @WithDefault("3")
        int partitions();

        /** Pause after a failed publish before the batch is fetched again. */
        @WithDefault("1s")
        Duration retryBackoff();
    }

    interface Adapters {
        /** always | if-better | manual. */
        @WithDefault("if-better")
        SwapPolicy policy();

        /** How many adapters stay loaded in memory (the active one included) for instant rollback. */
        @WithDefault("3")
        int keepLoaded();

        /** Where fetched adapters are kept (one folder per id/version); a temporary folder when absent. */
        Optional<Path> cacheDir();

        @WithDefault("30s")
        Duration fetchTimeout();

        /** Largest adapter file fetched over HTTP. */
        @WithDefault("2147483648")
        long maxFileBytes();

        /** The Hugging Face Hub (or a mirror) that {@code hf://owner/repo[@revision]} URIs are pulled from. */
        @WithDefault("https://huggingface.co")
        String hubEndpoint();

        /**
         * Hub access token (read scope suffices) for private or gated adapter repositories; anonymous when
         * absent. A secret: it goes only to the Hub endpoint and is never logged.
         */
        Optional<String> hubToken();

        /**
         * Kafka consumer group of the checkpoint channel is {@code <prefix>-<instance>}: every replica must
         * see every checkpoint, so each needs its own group.
         */
        @WithDefault("${HOSTNAME:local}")
        String instanceId();
    }

    interface Rest {
        /** Most texts in one POST /classify. */
        @WithDefault("256")
        int maxBatch();
    }
}
