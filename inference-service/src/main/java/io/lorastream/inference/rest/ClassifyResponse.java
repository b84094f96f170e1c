package io.lorastream.inference.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * The answer to POST /classify. For one {@code text}: {@code label} and {@code probabilities} at the top;
 * for {@code texts}: {@code results} in request order. {@code adapter} names what classified them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClassifyResponse(
        String adapter,
        double latencyMs,
        String label,
        Map<String, Double> probabilities,
        List<Prediction> results) {

    static ClassifyResponse single(String adapter, double latencyMs, Prediction p) {
        return new ClassifyResponse(adapter, latencyMs, p.label(), p.probabilities(), null);
    }

    static ClassifyResponse batch(String adapter, double latencyMs, List<Prediction> results) {
        return new ClassifyResponse(adapter, latencyMs, null, null, results);
    }
}
