package io.lorastream.ingest.config;

import io.lorastream.contracts.Split;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Everything under {@code lorastream.ingest.*}; the README's configuration table lists the same. */
@ConfigMapping(prefix = "lorastream.ingest")
public interface IngestConfig {

    /** Longest accepted tweet, in characters (code points) after stripping. */
    @WithDefault("4096")
    int maxChars();

    /** TweetEval base URL used when a request names no source: upstream's raw sentiment files. */
    @WithDefault("https://raw.githubusercontent.com/cardiffnlp/tweeteval/main/datasets/sentiment/")
    URI defaultBaseUrl();

    /** When set, directory sources must lie inside this directory. */
    Optional<Path> dirRoot();

    /** Splits read when a request names none. */
    @WithDefault("train,validation")
    List<Split> splits();

    Sampling sampling();

    /** Rejected rows kept per dataset in the database and the report; the counts per reason stay exact. */
    @WithDefault("10000")
    int maxStoredRejects();

    /** How often progress goes to the log and the database while an ingest runs. */
    @WithDefault("2s")
    Duration progressInterval();

    Http http();

    Publish publish();

    /** Ingests that run at once; more wait in the queue. */
    @WithDefault("1")
    int workers();

    interface Sampling {
        @WithDefault("1000")
        int trainSize();

        @WithDefault("200")
        int validationSize();

        @WithDefault("200")
        int testSize();

        @WithDefault("3407")
        long seed();

        @WithDefault("false")
        boolean stratified();

        default int size(Split split) {
            return switch (split) {
                case TRAIN -> trainSize();
                case VALIDATION -> validationSize();
                case TEST -> testSize();
            };
        }
    }

    interface Http {
        @WithDefault("10s")
        Duration connectTimeout();

        /** Longest wait for a response to start; the body then streams. */
        @WithDefault("60s")
        Duration readTimeout();
    }

    interface Publish {
        /** Prompt records sent but not yet acknowledged, at most. */
        @WithDefault("2048")
        int window();

        /** Longest wait for the broker to acknowledge a DatasetSealed or TrainingRequest. */
        @WithDefault("30s")
        Duration ackTimeout();
    }
}
