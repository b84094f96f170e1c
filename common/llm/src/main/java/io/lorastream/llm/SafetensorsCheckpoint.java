package io.lorastream.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The weights of a Hugging Face model folder: one {@code model.safetensors}, or shards listed in
 * {@code model.safetensors.index.json}. Every tensor is looked up by name through the index (a
 * weight and its quantization companions may sit in different shards).
 */
public final class SafetensorsCheckpoint implements WeightSource {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path folder;
    private final Map<String, String> fileOf;
    private final Map<String, SafetensorsFile> files = new HashMap<>();

    private SafetensorsCheckpoint(Path folder, Map<String, String> fileOf) {
        this.folder = folder;
        this.fileOf = fileOf;
    }

    public static SafetensorsCheckpoint open(Path folder) {
        Path index = folder.resolve("model.safetensors.index.json");
        Path single = folder.resolve("model.safetensors");
        Map<String, String> fileOf = new LinkedHashMap<>();
        if (Files.exists(index)) {
            try {
                JsonNode map = JSON.readTree(index.toFile()).get("weight_map");
                if (map == null) {
                    throw new IllegalArgumentException(index + " has no weight_map");
                }
                map.properties().forEach(f -> fileOf.put(f.getKey(), f.getValue().asText()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + index, e);
            }
        } else if (Files.exists(single)) {
            SafetensorsFile f = SafetensorsFile.open(single);
            f.entries().keySet().forEach(k -> fileOf.put(k, "model.safetensors"));
            SafetensorsCheckpoint c = new SafetensorsCheckpoint(folder, fileOf);
            c.files.put("model.safetensors", f);
            return c;
        } else {
            throw new IllegalArgumentException("no model.safetensors or model.safetensors.index.json in " + folder);
        }
        return new SafetensorsCheckpoint(folder, fileOf);
    }

    public Path folder() {
        return folder;
    }

    public Set<String> names() {
        return fileOf.keySet();
    }

    @Override
    public boolean contains(String name) {
        return fileOf.containsKey(name);
    }

    public synchronized SafetensorsFile fileFor(String name) {
        String file = fileOf.get(name);
        if (file == null) {
            throw new IllegalArgumentException("checkpoint " + folder + " has no tensor " + name);
        }
        return files.computeIfAbsent(file, f -> SafetensorsFile.open(folder.resolve(f)));
    }

    public SafetensorsFile.Entry entry(String name) {
        return fileFor(name).entry(name);
    }

    @Override
    public float[] readFloats(String name) {
        return fileFor(name).readFloats(name);
    }

    @Override
    public long[] shape(String name) {
        return entry(name).shape().clone();
    }

    @Override
    public String dtype(String name) {
        return entry(name).dtype();
    }

    @Override
    public NDArray load(String name, NDManager m, DataType type) {
        SafetensorsFile file = fileFor(name);
        SafetensorsFile.Entry e = file.entry(name);
        return Tensors.chunked(e.shape(), m, type, (from, dst) -> file.readFloats(e, from, dst, 0, dst.length));
    }

    /** bitsandbytes stores an NF4 layer's weight with a quant-state JSON beside it (nf4-format.md §7.2). */
    @Override
    public Nf4.Quantized prequantized(String prefix) {
        return contains(prefix + ".weight" + Nf4Checkpoint.QUANT_STATE_SUFFIX) ? Nf4Checkpoint.read(this, prefix) : null;
    }

    public byte[] readBytes(String name) {
        return fileFor(name).readBytes(name);
    }
}
