package io.lorastream.llm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdamWTest {

    /**
     * AdamW is element-wise, so the golden first 8 values of each parameter and of its gradient are a
     * complete test of one torch.optim.AdamW step (lr 2e-4, betas 0.9/0.999, eps 1e-8, wd 0.01).
     */
    @Test
    void oneStepMatchesTorchAdamW() {
        JsonNode golden = LoraGolden.lora();
        JsonNode adamw = golden.get("adamw");
        try (NDManager manager = NDManager.newBaseManager()) {
            AdamW opt = new AdamW(adamw.get("betas").get(0).asDouble(), adamw.get("betas").get(1).asDouble(),
                    adamw.get("eps").asDouble(), adamw.get("weight_decay").asDouble(), manager);
            Map<String, NDArray> params = new LinkedHashMap<>();
            Map<String, NDArray> grads = new LinkedHashMap<>();
            for (Iterator<String> it = adamw.get("before_first8").fieldNames(); it.hasNext(); ) {
                String name = it.next();
                params.put(name, manager.create(LoraGolden.floats(adamw.get("before_first8").get(name))));
                grads.put(name, manager.create(LoraGolden.floats(golden.get("grads").get(name).get("first8"))));
            }
            opt.step(params, grads, adamw.get("lr").asDouble());
            for (String name : params.keySet()) {
                float[] expected = LoraGolden.floats(adamw.get("after_first8").get(name));
                assertArrayEquals(expected, params.get(name).toFloatArray(), 1e-6f, name);
            }
            assertEquals(1, opt.steps());
            opt.close();
        }
    }

    @Test
    void savedStateContinuesBitIdentically(@TempDir Path dir) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] start = {0.5f, -0.25f, 0.125f, 1f, -2f, 0.01f};
            NDArray straight = manager.create(start, new Shape(2, 3));
            NDArray resumed = manager.create(start, new Shape(2, 3));
            AdamW a = new AdamW(0.9, 0.999, 1e-8, 0.01, manager);
            AdamW b = new AdamW(0.9, 0.999, 1e-8, 0.01, manager);
            for (int s = 0; s < 3; s++) {
                NDArray g = manager.create(new float[] {0.1f * s, -0.3f, 0.2f, s, -0.05f, 0.7f}, new Shape(2, 3));
                a.step(Map.of("w", straight), Map.of("w", g), 1e-2);
                b.step(Map.of("w", resumed), Map.of("w", g), 1e-2);
            }
            Path file = dir.resolve("optimizer.safetensors");
            b.save(file);
            b.close();
            assertEquals(true, Files.size(file) > 0);
            AdamW c = new AdamW(0.9, 0.999, 1e-8, 0.01, manager);
            c.load(file, 3);
            for (int s = 3; s < 6; s++) {
                NDArray g = manager.create(new float[] {0.1f * s, -0.3f, 0.2f, -s, -0.05f, 0.7f}, new Shape(2, 3));
                a.step(Map.of("w", straight), Map.of("w", g), 1e-2);
                c.step(Map.of("w", resumed), Map.of("w", g), 1e-2);
            }
            assertArrayEquals(straight.toFloatArray(), resumed.toFloatArray(), 0f);
            a.close();
            c.close();
        }
    }
}
