package io.lorastream.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Hugging Face Llama {@code config.json}. Reads both generations of the format: transformers 4
 * ({@code rope_theta} + {@code rope_scaling}, {@code torch_dtype}) and transformers 5
 * ({@code rope_parameters}, {@code dtype}).
 *
 * @param eosTokenIds  {@code eos_token_id} (Llama 3.1 Instruct lists three); empty when absent
 * @param bosTokenId   -1 when absent
 * @param padTokenId   -1 when absent (stories260K, tiny-llama3-a: the tokenizer decides)
 * @param torchDtype   checkpoint dtype name ({@code float32}, {@code bfloat16}, ...), "float32" when absent
 * @param quantization bitsandbytes {@code quantization_config}, null for unquantized checkpoints
 */
public record LlamaConfig(
        int hiddenSize,
        int intermediateSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int numKeyValueHeads,
        int headDim,
        int vocabSize,
        int maxPositionEmbeddings,
        double rmsNormEps,
        RopeScaling rope,
        boolean tieWordEmbeddings,
        String torchDtype,
        int bosTokenId,
        List<Integer> eosTokenIds,
        int padTokenId,
        QuantizationConfig quantization) {

    /**
     * RoPE parameters. {@code type} is {@code default}, {@code linear} or {@code llama3}; the other
     * fields matter only for the scaled types.
     */
    public record RopeScaling(String type, double theta, double factor, double lowFreqFactor,
            double highFreqFactor, int originalMaxPositionEmbeddings) {}

    /** bitsandbytes' {@code quantization_config} (shared/notes/nf4-format.md §7.6), validated on load. */
    public record QuantizationConfig(String quantMethod, boolean loadIn4bit, boolean loadIn8bit, String quantType,
            boolean useDoubleQuant, String quantStorage, String computeDtype, List<String> skipModules) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    public LlamaConfig {
        eosTokenIds = List.copyOf(eosTokenIds);
        if (numAttentionHeads % numKeyValueHeads != 0) {
            throw new IllegalArgumentException("num_attention_heads " + numAttentionHeads
                    + " is not a multiple of num_key_value_heads " + numKeyValueHeads);
        }
    }

    /** Reads {@code config.json}; {@code path} may also be the model folder that holds it. */
    public static LlamaConfig load(Path path) {
        Path file = Files.isDirectory(path) ? path.resolve("config.json") : path;
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read model config " + file, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    public static LlamaConfig parse(String json) {
        JsonNode c;
        try {
            c = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("config.json is not valid JSON: " + e.getMessage(), e);
        }
        String modelType = text(c, "model_type", "llama");
        if (!modelType.equals("llama")) {
            throw new IllegalArgumentException("model_type '" + modelType + "' is not supported (llama only)");
        }
        String act = text(c, "hidden_act", "silu");
        if (!act.equals("silu")) {
            throw new IllegalArgumentException("hidden_act '" + act + "' is not supported (silu only)");
        }
        if (c.path("attention_bias").asBoolean(false) || c.path("mlp_bias").asBoolean(false)) {
            throw new IllegalArgumentException("attention_bias / mlp_bias are not supported (Llama has no biases)");
        }
        int hidden = required(c, "hidden_size");
        int heads = required(c, "num_attention_heads");
        int headDim = c.hasNonNull("head_dim") ? c.get("head_dim").asInt() : hidden / heads;
        String dtype = c.hasNonNull("dtype") ? c.get("dtype").asText() : text(c, "torch_dtype", "float32");
        return new LlamaConfig(
                hidden,
                required(c, "intermediate_size"),
                required(c, "num_hidden_layers"),
                heads,
                c.hasNonNull("num_key_value_heads") ? c.get("num_key_value_heads").asInt() : heads,
                headDim,
                required(c, "vocab_size"),
                c.path("max_position_embeddings").asInt(2048),
                c.path("rms_norm_eps").asDouble(1e-6),
                rope(c),
                c.path("tie_word_embeddings").asBoolean(false),
                dtype,
                c.hasNonNull("bos_token_id") ? c.get("bos_token_id").asInt() : -1,
                ids(c.get("eos_token_id")),
                c.hasNonNull("pad_token_id") ? c.get("pad_token_id").asInt() : -1,
                quantization(c.get("quantization_config")));
    }

    /** Query heads per key/value head (grouped-query attention). */
    public int groupSize() {
        return numAttentionHeads / numKeyValueHeads;
    }

    public boolean isPrequantized() {
        return quantization != null;
    }

    /** Parameters of one decoder layer's seven projections. */
    public long linearParametersPerLayer() {
        long h = hiddenSize;
        long q = (long) numAttentionHeads * headDim;
        long kv = (long) numKeyValueHeads * headDim;
        return h * q + 2 * h * kv + q * h + 3 * h * intermediateSize;
    }

    /** [out, in] of a projection by its PEFT module name ({@code q_proj}, ..., {@code down_proj}). */
    public int[] projectionShape(String module) {
        int q = numAttentionHeads * headDim;
        int kv = numKeyValueHeads * headDim;
        return switch (module) {
            case "q_proj" -> new int[] {q, hiddenSize};
            case "k_proj", "v_proj" -> new int[] {kv, hiddenSize};
            case "o_proj" -> new int[] {hiddenSize, q};
            case "gate_proj", "up_proj" -> new int[] {intermediateSize, hiddenSize};
            case "down_proj" -> new int[] {hiddenSize, intermediateSize};
            default -> throw new IllegalArgumentException("unknown projection '" + module + "'");
        };
    }

    private static RopeScaling rope(JsonNode c) {
        // transformers 5: everything in rope_parameters; transformers 4: rope_theta + optional rope_scaling
        JsonNode p = c.get("rope_parameters");
        double theta;
        JsonNode s;
        if (p != null && p.isObject()) {
            theta = p.path("rope_theta").asDouble(c.path("rope_theta").asDouble(10000.0));
            s = p;
        } else {
            theta = c.path("rope_theta").asDouble(10000.0);
            s = c.get("rope_scaling");
        }
        if (s == null || s.isNull()) {
            return new RopeScaling("default", theta, 1, 0, 0, 0);
        }
        String type = s.hasNonNull("rope_type") ? s.get("rope_type").asText() : text(s, "type", "default");
        switch (type) {
            case "default":
                return new RopeScaling("default", theta, 1, 0, 0, 0);
            case "linear":
                return new RopeScaling("linear", theta, s.path("factor").asDouble(1.0), 0, 0, 0);
            case "llama3":
                return new RopeScaling("llama3", theta, s.path("factor").asDouble(),
                        s.path("low_freq_factor").asDouble(), s.path("high_freq_factor").asDouble(),
                        s.path("original_max_position_embeddings").asInt());
            default:
                throw new IllegalArgumentException("rope type '" + type + "' is not supported (default, linear, llama3)");
        }
    }

    private static QuantizationConfig quantization(JsonNode q) {
        if (q == null || q.isNull()) {
            return null;
        }
        List<String> skip = new ArrayList<>();
        if (q.hasNonNull("llm_int8_skip_modules")) {
            q.get("llm_int8_skip_modules").forEach(n -> skip.add(n.asText()));
        }
        QuantizationConfig qc = new QuantizationConfig(
                text(q, "quant_method", ""),
                q.path("load_in_4bit").asBoolean(false),
                q.path("load_in_8bit").asBoolean(false),
                text(q, "bnb_4bit_quant_type", "fp4"),
                q.path("bnb_4bit_use_double_quant").asBoolean(false),
                text(q, "bnb_4bit_quant_storage", "uint8"),
                text(q, "bnb_4bit_compute_dtype", "float32"),
                List.copyOf(skip));
        if (!qc.quantMethod().equals("bitsandbytes")) {
            throw new IllegalArgumentException("quant_method '" + qc.quantMethod() + "' is not supported (bitsandbytes)");
        }
        if (qc.loadIn8bit() || !qc.loadIn4bit()) {
            throw new IllegalArgumentException("only 4-bit bitsandbytes checkpoints are supported (load_in_4bit)");
        }
        if (!qc.quantType().equals("nf4")) {
            throw new IllegalArgumentException("bnb_4bit_quant_type '" + qc.quantType() + "' is not supported (nf4)");
        }
        if (!qc.quantStorage().equals("uint8")) {
            throw new IllegalArgumentException("bnb_4bit_quant_storage '" + qc.quantStorage() + "' is not supported (uint8)");
        }
        return qc;
    }

    private static List<Integer> ids(JsonNode n) {
        List<Integer> out = new ArrayList<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (n.isArray()) {
            n.forEach(x -> out.add(x.asInt()));
        } else {
            out.add(n.asInt());
        }
        return out;
    }

    private static int required(JsonNode c, String key) {
        if (!c.hasNonNull(key)) {
            throw new IllegalArgumentException("config.json lacks " + key);
        }
        return c.get(key).asInt();
    }

    private static String text(JsonNode c, String key, String fallback) {
        return c.hasNonNull(key) ? c.get(key).asText() : fallback;
    }
}
