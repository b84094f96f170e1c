package io.lorastream.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lorastream.testing.SharedAssets;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Reads the golden JSON files of ../shared/golden in place. */
final class GoldenJson {
    private GoldenJson() {}

    static JsonNode read(String name) {
        try {
            return new ObjectMapper().readTree(SharedAssets.golden(name).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asInt();
        }
        return out;
    }

    static double[] doubles(JsonNode a) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asDouble();
        }
        return out;
    }
}
