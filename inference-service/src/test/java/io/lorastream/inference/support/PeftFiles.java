package io.lorastream.inference.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A PEFT LoRA adapter folder written in plain Java, for code that runs before the application starts
 * (Quarkus test resources): using the engine there would load its classes outside the application's
 * class loader. Same layout as the engine's {@code savePeft}: F32 tensors named
 * {@code base_model.model.model.layers.<i>.<self_attn|mlp>.<module>.lora_<A|B>.weight}.
 */
public final class PeftFiles {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> TARGETS =
            List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");

    private PeftFiles() {}

    /** Writes an r-4 adapter on all seven projections of the model at {@code modelDir}, random A and B. */
    public static Path write(Path dir, Path modelDir, long seed) {
        try {
            JsonNode c = JSON.readTree(modelDir.resolve("config.json").toFile());
            int hidden = c.get("hidden_size").asInt();
            int inter = c.get("intermediate_size").asInt();
            int heads = c.get("num_attention_heads").asInt();
            int kvHeads = c.path("num_key_value_heads").asInt(heads);
            int headDim = c.path("head_dim").asInt(hidden / heads);
            int layers = c.get("num_hidden_layers").asInt();
            int r = 4;
            SplittableRandom rng = new SplittableRandom(seed);
            Map<String, float[]> data = new TreeMap<>();
            Map<String, long[]> shapes = new TreeMap<>();
            for (int i = 0; i < layers; i++) {
                for (String m : TARGETS) {
                    int[] s = switch (m) {
                        case "q_proj" -> new int[] {heads * headDim, hidden};
                        case "k_proj", "v_proj" -> new int[] {kvHeads * headDim, hidden};
                        case "o_proj" -> new int[] {hidden, heads * headDim};
                        case "gate_proj", "up_proj" -> new int[] {inter, hidden};
                        default -> new int[] {hidden, inter};
                    };
                    String path = "base_model.model.model.layers." + i + (TARGETS.indexOf(m) < 4 ? ".self_attn." : ".mlp.") + m;
                    put(data, shapes, path + ".lora_A.weight", new long[] {r, s[1]}, rng, 1.0 / Math.sqrt(s[1]));
                    put(data, shapes, path + ".lora_B.weight", new long[] {s[0], r}, rng, 0.6);
                }
            }
            Files.createDirectories(dir);
            writeSafetensors(dir.resolve("adapter_model.safetensors"), data, shapes);
            ObjectNode cfg = JSON.createObjectNode();
            cfg.put("peft_type", "LORA").put("task_type", "CAUSAL_LM").put("r", r).put("lora_alpha", 8)
                    .put("lora_dropout", 0.0).put("bias", "none").put("fan_in_fan_out", false)
                    .put("base_model_name_or_path", modelDir.toString());
            TARGETS.forEach(cfg.putArray("target_modules")::add);
            Files.write(dir.resolve("adapter_config.json"), JSON.writeValueAsBytes(cfg));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void put(Map<String, float[]> data, Map<String, long[]> shapes, String name, long[] shape,
            SplittableRandom rng, double scale) {
        float[] v = new float[(int) (shape[0] * shape[1])];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((rng.nextDouble() * 2 - 1) * scale);
        }
        data.put(name, v);
        shapes.put(name, shape);
    }

    private static void writeSafetensors(Path file, Map<String, float[]> data, Map<String, long[]> shapes)
            throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("__metadata__", Map.of("format", "pt"));
        long offset = 0;
        for (var e : data.entrySet()) {
            long bytes = 4L * e.getValue().length;
            header.put(e.getKey(), Map.of("dtype", "F32", "shape", shapes.get(e.getKey()),
                    "data_offsets", List.of(offset, offset + bytes)));
            offset += bytes;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
            out.write(json);
            out.write(" ".repeat(padded - json.length).getBytes(StandardCharsets.US_ASCII));
            for (float[] v : data.values()) {
                ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(v);
                out.write(b.array());
            }
        }
    }
}
