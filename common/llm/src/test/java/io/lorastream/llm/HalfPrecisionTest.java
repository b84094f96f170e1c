package io.lorastream.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.lorastream.testing.SharedAssets;
import org.junit.jupiter.api.Test;

/**
 * The FLOAT16 compute path (the CUDA default) exercised on the CPU: NF4 decode cast to half, the
 * half-precision mask, LoRA masters cast per pass. Its logits track the FLOAT32 ones closely.
 */
class HalfPrecisionTest {

    @Test
    void float16ComputeTracksFloat32() {
        LoadOptions base = LoadOptions.defaults().withDevice(Device.cpu()).withTokenizerDir(SharedAssets.llama3Tokenizer());
        int[][] ids = {{128000, 2028, 374, 264, 1296, 11914, 13}, {128000, 40, 2846, 779, 6380, 3432, 0}};
        int[][] mask = {{1, 1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 0, 0}};
        try (LlamaModel f32 = LlamaModel.load(SharedAssets.golden("tiny-llama3-a-bnb-4bit"), base);
                LlamaModel f16 = LlamaModel.load(SharedAssets.golden("tiny-llama3-a-bnb-4bit"),
                        base.withComputeType(DataType.FLOAT16).withCacheDequantized(false));
                LoraAdapter adapter = LoraAdapter.loadPeft(SharedAssets.golden("tiny-llama3-a-lora"), f32);
                NDManager m = NDManager.newBaseManager(Device.cpu())) {
            assertEquals(DataType.FLOAT16, f16.computeType());
            NDArray full = f32.forward(m, ids, mask, adapter);
            NDArray half = f16.forward(m, ids, mask, adapter);
            assertEquals(DataType.FLOAT16, half.getDataType());
            float scale = full.abs().max().getFloat();
            float diff = full.sub(half.toType(DataType.FLOAT32, false)).abs().max().getFloat();
            // logits reach ~30 here (deliberately large weights): half precision keeps ~3 decimal digits
            assertEquals(0f, diff / scale, 1e-2f, "max |f32 - f16| = " + diff + " at scale " + scale);
        }
    }
}
