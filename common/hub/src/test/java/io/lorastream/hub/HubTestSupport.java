package io.lorastream.hub;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.lorastream.contracts.ContractJson;
import io.lorastream.testing.FakeHubServer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Shared pieces of the Hub tests: the secret token, a client on the fake Hub, a log capture, a tiny adapter. */
final class HubTestSupport {
    static final String TOKEN = "hf_lorastreamTestTokenDoNotLog0123456789";
    static final String USER = "alice";

    private HubTestSupport() {}

    static HubConfig config(FakeHubServer hub, String token) {
        return HubConfig.defaults().withEndpoint(hub.url()).withToken(token)
                .withRetries(3, Duration.ofMillis(1), Duration.ofMillis(4))
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(20));
    }

    static HubClient client(FakeHubServer hub) {
        return new HubClient(config(hub, TOKEN));
    }

    /** Asserts that neither the message nor any cause's message names the token. */
    static void assertNoToken(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertFalse(String.valueOf(t.getMessage()).contains(TOKEN), "token leaked in " + t);
            assertFalse(t.toString().contains(TOKEN), "token leaked in " + t);
        }
    }

    /** Every record the hub module logs while open, at every level. */
    static final class LogCapture extends Handler implements AutoCloseable {
        private final Logger logger = Logger.getLogger("io.lorastream.hub");
        private final Level previous = logger.getLevel();
        final List<LogRecord> records = new CopyOnWriteArrayList<>();

        LogCapture() {
            setLevel(Level.ALL);
            logger.setLevel(Level.ALL);
            logger.addHandler(this);
        }

        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        List<String> lines() {
            return records.stream().map(r -> r.getMessage() + (r.getThrown() == null ? "" : " " + r.getThrown()))
                    .toList();
        }

        void assertNoToken() {
            for (String line : lines()) {
                assertFalse(line.contains(TOKEN), "token leaked in log line: " + line);
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {
            logger.removeHandler(this);
            logger.setLevel(previous);
        }
    }

    /**
     * Writes a small PEFT LoRA adapter (r 4 on q_proj and v_proj of 2 layers, hidden 16) as
     * {@code adapter_config.json} + {@code adapter_model.safetensors}, plus an optimizer state file that is
     * not part of the adapter.
     */
    static Path writeTinyAdapter(Path folder) throws IOException {
        Files.createDirectories(folder);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("peft_type", "LORA");
        config.put("task_type", "CAUSAL_LM");
        config.put("base_model_name_or_path", "unsloth/Meta-Llama-3.1-8B-Instruct-bnb-4bit");
        config.put("r", 4);
        config.put("lora_alpha", 8);
        config.put("lora_dropout", 0.0);
        config.put("target_modules", List.of("q_proj", "v_proj"));
        config.put("bias", "none");
        Files.write(folder.resolve("adapter_config.json"), ContractJson.write(config));

        int r = 4;
        int hidden = 16;
        Map<String, Object> header = new LinkedHashMap<>();
        List<float[]> tensors = new java.util.ArrayList<>();
        long offset = 0;
        for (int layer = 0; layer < 2; layer++) {
            for (String proj : List.of("q_proj", "v_proj")) {
                for (String ab : List.of("lora_A", "lora_B")) {
                    int[] shape = ab.equals("lora_A") ? new int[] {r, hidden} : new int[] {hidden, r};
                    float[] values = new float[r * hidden];
                    for (int i = 0; i < values.length; i++) {
                        values[i] = (float) Math.sin(layer * 31 + proj.hashCode() % 7 + ab.length() + i * 0.1);
                    }
                    long bytes = values.length * 4L;
                    header.put("base_model.model.model.layers." + layer + ".self_attn." + proj + "." + ab + ".weight",
                            Map.of("dtype", "F32", "shape", shape, "data_offsets", List.of(offset, offset + bytes)));
                    tensors.add(values);
                    offset += bytes;
                }
            }
        }
        byte[] json = ContractJson.write(header);
        int pad = (8 - json.length % 8) % 8;
        ByteBuffer buf = ByteBuffer.allocate(8 + json.length + pad + (int) offset).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(json.length + pad).put(json);
        for (int i = 0; i < pad; i++) {
            buf.put((byte) ' ');
        }
        tensors.forEach(t -> {
            for (float v : t) {
                buf.putFloat(v);
            }
        });
        Files.write(folder.resolve("adapter_model.safetensors"), buf.array());
        Files.write(folder.resolve("optimizer.pt"), "not part of the adapter".getBytes(StandardCharsets.UTF_8));
        return folder;
    }
}
