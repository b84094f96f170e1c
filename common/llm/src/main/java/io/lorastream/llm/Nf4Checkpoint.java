package io.lorastream.llm;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads one linear layer of an Unsloth / bitsandbytes {@code *-bnb-4bit} checkpoint
 * (shared/notes/nf4-format.md §7.3, §7.7): the packed codes, the (double-quantized) absmax, the
 * quant-state JSON, and the two stored maps, which must equal the NF4 and dynamic tables bit for bit.
 */
final class Nf4Checkpoint {
    private Nf4Checkpoint() {}

    static final String QUANT_STATE_SUFFIX = ".quant_state.bitsandbytes__nf4";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The quantized weight of module {@code prefix} (e.g. {@code model.layers.0.self_attn.q_proj}). */
    static Nf4.Quantized read(SafetensorsCheckpoint ckpt, String prefix) {
        String w = prefix + ".weight";
        JsonNode state;
        try {
            state = JSON.readTree(new String(ckpt.readBytes(w + QUANT_STATE_SUFFIX), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalArgumentException(w + QUANT_STATE_SUFFIX + " is not valid JSON", e);
        }
        require(state.path("quant_type").asText().equals("nf4"), w, "quant_type is not nf4");
        require(state.path("blocksize").asInt() == Nf4.BLOCK, w, "blocksize is not 64");
        JsonNode shape = state.get("shape");
        require(shape != null && shape.size() == 2, w, "quant state has no 2-d shape");
        int rows = shape.get(0).asInt();
        int cols = shape.get(1).asInt();
        long n = (long) rows * cols;
        int nb = Nf4.Quantized.blocks(n);
        String dtype = state.path("dtype").asText("float32");
        Nf4.precisionBits(dtype); // rejects unknown dtypes

        SafetensorsFile.Entry packedEntry = ckpt.entry(w);
        require(packedEntry.dtype().equals("U8") && packedEntry.byteSize() == (n + 1) / 2, w,
                "packed weight must be U8 with ceil(n/2) = " + (n + 1) / 2 + " bytes");
        require(Nf4.isNf4Map(ckpt.readFloats(w + ".quant_map")), w, "quant_map differs from the NF4 table");
        byte[] packed = ckpt.readBytes(w);

        if (!state.has("nested_blocksize")) {
            SafetensorsFile.Entry a = ckpt.entry(w + ".absmax");
            require(a.dtype().equals("F32") && a.numel() == nb, w, "absmax must be F32 [" + nb + "]");
            return new Nf4.Quantized(rows, cols, packed, ckpt.readFloats(w + ".absmax"), null, null, 0f, dtype);
        }
        require(state.path("nested_blocksize").asInt() == Nf4.NESTED_BLOCK, w, "nested_blocksize is not 256");
        int nb2 = (nb + Nf4.NESTED_BLOCK - 1) / Nf4.NESTED_BLOCK;
        SafetensorsFile.Entry a = ckpt.entry(w + ".absmax");
        require(a.dtype().equals("U8") && a.numel() == nb, w, "double-quantized absmax must be U8 [" + nb + "]");
        SafetensorsFile.Entry a2 = ckpt.entry(w + ".nested_absmax");
        require(a2.dtype().equals("F32") && a2.numel() == nb2, w, "nested_absmax must be F32 [" + nb2 + "]");
        require(Nf4.isDynamicMap(ckpt.readFloats(w + ".nested_quant_map")), w,
                "nested_quant_map differs from the dynamic map");
        // parse as double, then cast: exact for the shortest repr of a float32 (§7.4)
        float offset = (float) state.path("nested_offset").asDouble();
        return new Nf4.Quantized(rows, cols, packed, null, ckpt.readBytes(w + ".absmax"),
                ckpt.readFloats(w + ".nested_absmax"), offset, dtype);
    }

    /** The double-quantization offset as bitsandbytes computes it: torch's float32 {@code mean()} on the CPU. */
    static Nf4.Mean torchMean(NDManager parent) {
        return values -> {
            try (NDManager m = parent.newSubManager(Device.cpu())) {
                return m.create(values, new Shape(values.length)).mean().getFloat();
            }
        };
    }

    private static void require(boolean ok, String tensor, String problem) {
        if (!ok) {
            throw new IllegalArgumentException("not a standard bitsandbytes NF4 tensor: " + tensor + ": " + problem);
        }
    }
}
