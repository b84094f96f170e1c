package io.lorastream.llm;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Hugging Face {@code tokenizer.json} through DJL's tokenizers binding, with truncation, padding and
 * automatic special tokens all OFF (DJL truncates to 512 by default; lorastream adds BOS/EOS itself).
 * The special ids come from {@code tokenizer_config.json}'s token strings, else from the model config;
 * without a pad token, Llama 3's {@code <|finetune_right_pad_id|>} is used when the vocabulary has it,
 * else the eos (shared/notes/decisions.md).
 */
public final class LlamaTokenizer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Llama 3's reserved right-padding token (id 128004). */
    static final String LLAMA3_PAD = "<|finetune_right_pad_id|>";

    private final HuggingFaceTokenizer tokenizer;
    private final int bosId;
    private final int eosId;
    private final int padId;

    private LlamaTokenizer(HuggingFaceTokenizer tokenizer, int bosId, int eosId, int padId) {
        this.tokenizer = tokenizer;
        this.bosId = bosId;
        this.eosId = eosId;
        this.padId = padId;
    }

    /**
     * Loads {@code dir/tokenizer.json}; ids named in {@code dir/tokenizer_config.json} win over the
     * model config's (Llama 3: bos 128000, eos 128009 {@code <|eot_id|>}, pad 128004).
     */
    public static LlamaTokenizer load(Path dir, LlamaConfig config) {
        Path json = dir.resolve("tokenizer.json");
        if (!Files.exists(json)) {
            throw new IllegalArgumentException("no tokenizer.json in " + dir
                    + " (set LoadOptions.withTokenizerDir to a folder that has one)");
        }
        HuggingFaceTokenizer hf;
        try {
            hf = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(json)
                    .optAddSpecialTokens(false)
                    .optTruncation(false)
                    .optPadding(false)
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load " + json, e);
        }
        JsonNode tc = null;
        Path tcPath = dir.resolve("tokenizer_config.json");
        if (Files.exists(tcPath)) {
            try {
                tc = JSON.readTree(tcPath.toFile());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + tcPath, e);
            }
        }
        int bos = special(hf, tc, "bos_token", config.bosTokenId());
        int eos = special(hf, tc, "eos_token", config.eosTokenIds().isEmpty() ? -1 : config.eosTokenIds().get(0));
        int pad = special(hf, tc, "pad_token", config.padTokenId());
        if (pad < 0) {
            pad = singleToken(hf, LLAMA3_PAD); // Meta's Llama 3 files name no pad token; Unsloth's use this one
        }
        if (bos < 0 || eos < 0) {
            hf.close();
            throw new IllegalArgumentException("tokenizer in " + dir + " has no bos/eos token");
        }
        return new LlamaTokenizer(hf, bos, eos, pad < 0 ? eos : pad);
    }

    /** Token ids of {@code text}: no BOS/EOS added, no truncation. */
    public int[] encode(String text) {
        long[] ids = tokenizer.encode(text, false, false).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }

    /** Text of {@code ids}, special tokens included as text. */
    public String decode(int[] ids) {
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            l[i] = ids[i];
        }
        return tokenizer.decode(l, false);
    }

    public int bosId() {
        return bosId;
    }

    public int eosId() {
        return eosId;
    }

    public int padId() {
        return padId;
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    /** The id of {@code token} when the tokenizer has it as one token, else -1. */
    private static int singleToken(HuggingFaceTokenizer hf, String token) {
        long[] ids = hf.encode(token, false, false).getIds();
        return ids.length == 1 ? Math.toIntExact(ids[0]) : -1;
    }

    /** The id of a special token named in tokenizer_config.json (string or {@code {"content": ...}}), else the fallback. */
    private static int special(HuggingFaceTokenizer hf, JsonNode tc, String key, int fallback) {
        JsonNode n = tc == null ? null : tc.get(key);
        if (n == null || n.isNull()) {
            return fallback;
        }
        String token = n.isObject() ? n.path("content").asText() : n.asText();
        long[] ids = hf.encode(token, false, false).getIds();
        if (ids.length != 1) {
            throw new IllegalArgumentException(key + " '" + token + "' is not a single token of the tokenizer");
        }
        return Math.toIntExact(ids[0]);
    }
}
