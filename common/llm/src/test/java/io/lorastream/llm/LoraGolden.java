package io.lorastream.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lorastream.testing.SharedAssets;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The {@code lora} section of golden/tiny-llama3-a-golden.json (PEFT adapter: loss, grads, one AdamW step). */
final class LoraGolden {
    private static JsonNode root;

    private LoraGolden() {}

    static synchronized JsonNode all() {
        if (root == null) {
            try {
                root = new ObjectMapper().readTree(SharedAssets.golden("tiny-llama3-a-golden.json").toFile());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return root;
    }

    static JsonNode lora() {
        return all().get("lora");
    }

    /** PEFT's in-memory parameter name ({@code ...lora_A.default.weight}) as saved on disk ({@code ...lora_A.weight}). */
    static String savedName(String inMemoryName) {
        return inMemoryName.replace(".default.", ".");
    }

    static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) array.get(i).asDouble();
        }
        return out;
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}
