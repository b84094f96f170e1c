package io.lorastream.llm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lorastream.testing.SharedAssets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** config.json in both generations of the format, and the derived shapes. */
class LlamaConfigTest {

    @Test
    void llama31_8bTransformers4Form() {
        LlamaConfig c = LlamaConfig.load(SharedAssets.resolve("models/llama-3.1-8b-instruct-config/config.json"));
        assertEquals(4096, c.hiddenSize());
        assertEquals(128, c.headDim());
        assertEquals(4, c.groupSize());
        assertEquals("llama3", c.rope().type());
        assertEquals(500000.0, c.rope().theta());
        assertEquals(4.0, c.rope().highFreqFactor());
        assertEquals("bfloat16", c.torchDtype());
        assertFalse(c.tieWordEmbeddings());
        assertEquals(List.of(128001, 128008, 128009), c.eosTokenIds());
        assertArrayEquals(new int[] {1024, 4096}, c.projectionShape("k_proj"));
        assertArrayEquals(new int[] {4096, 14336}, c.projectionShape("down_proj"));
        assertEquals(218_103_808L, c.linearParametersPerLayer());
    }

    @Test
    void defaultRopeAndMissingFields() {
        LlamaConfig c = LlamaConfig.parse("{\"hidden_size\":64,\"intermediate_size\":172,\"num_hidden_layers\":5,"
                + "\"num_attention_heads\":8,\"num_key_value_heads\":4,\"vocab_size\":512,\"torch_dtype\":\"float32\"}");
        assertEquals("default", c.rope().type());
        assertEquals(10000.0, c.rope().theta());
        assertEquals(8, c.headDim());
        assertEquals(-1, c.padTokenId());
        LlamaConfig v5 = LlamaConfig.parse("{\"hidden_size\":64,\"intermediate_size\":172,\"num_hidden_layers\":5,"
                + "\"num_attention_heads\":8,\"vocab_size\":512,\"dtype\":\"bfloat16\","
                + "\"rope_parameters\":{\"rope_theta\":10000.0,\"rope_type\":\"default\"}}");
        assertEquals("bfloat16", v5.torchDtype());
        assertEquals(8, v5.numKeyValueHeads());
    }

    @Test
    void rejectsWhatTheEngineCannotRun() {
        String base = "\"hidden_size\":64,\"intermediate_size\":172,\"num_hidden_layers\":5,\"num_attention_heads\":8,\"vocab_size\":512";
        assertThrows(IllegalArgumentException.class, () -> LlamaConfig.parse("{" + base + ",\"model_type\":\"mistral\"}"));
        assertThrows(IllegalArgumentException.class, () -> LlamaConfig.parse("{" + base + ",\"hidden_act\":\"gelu\"}"));
        assertThrows(IllegalArgumentException.class,
                () -> LlamaConfig.parse("{" + base + ",\"rope_scaling\":{\"rope_type\":\"yarn\",\"factor\":4}}"));
        assertThrows(IllegalArgumentException.class, () -> LlamaConfig.parse("{" + base + ",\"num_key_value_heads\":3}"));
        assertThrows(IllegalArgumentException.class, () -> LlamaConfig.parse("{\"hidden_size\":64}"));
    }
}
