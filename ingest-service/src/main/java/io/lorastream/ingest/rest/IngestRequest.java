package io.lorastream.ingest.rest;

import io.lorastream.ingest.service.SamplingOptions;
import java.util.List;

/**
 * Body of {@code POST /datasets}. Every field is optional: no source means the configured default base
 * URL (upstream TweetEval sentiment), no splits means {@code train, validation}, no sampling means the
 * reference run's 1,000 / 200 with seed 3407.
 *
 * <pre>{"source": {"dir": "/data/tweeteval-sentiment"}, "splits": ["train", "validation"],
 *  "sampling": {"trainSize": 1000, "validationSize": 200, "stratified": true, "seed": 3407}}</pre>
 */
public record IngestRequest(Source source, List<String> splits, Sampling sampling) {

    /** Exactly one of a local directory or a base URL over http(s), in the TweetEval layout. */
    public record Source(String dir, String url) {}

    /** {@code all: true} takes every valid example of the splits, in file order, and ignores the rest. */
    public record Sampling(Integer trainSize, Integer validationSize, Integer testSize, Boolean stratified, Long seed,
            Boolean all) {}

    SamplingOptions options() {
        Sampling s = sampling == null ? new Sampling(null, null, null, null, null, null) : sampling;
        return new SamplingOptions(splits, s.trainSize(), s.validationSize(), s.testSize(), s.stratified(), s.seed(),
                s.all());
    }
}
