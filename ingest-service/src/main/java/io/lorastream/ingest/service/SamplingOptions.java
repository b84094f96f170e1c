package io.lorastream.ingest.service;

import java.util.List;

/**
 * Sampling as a request states it, every field optional (null: the configured default). The JSON body
 * of {@code POST /datasets} and the query of {@code POST /datasets/upload} both map to it.
 */
public record SamplingOptions(List<String> splits, Integer trainSize, Integer validationSize, Integer testSize,
        Boolean stratified, Long seed, Boolean all) {

    public static SamplingOptions none() {
        return new SamplingOptions(null, null, null, null, null, null, null);
    }
}
