package io.lorastream.llm;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * A LoRA adapter for a Llama model: one {@link LoraWeights} pair per targeted projection of every
 * layer, float32 arrays in the adapter's own manager (so several adapters can stay loaded and be
 * swapped per batch). Reads and writes PEFT's format — {@code adapter_config.json} plus
 * {@code adapter_model.safetensors} with keys such as
 * {@code base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight} — so adapters move both ways
 * between lorastream and Hugging Face PEFT / vLLM.
 */
public final class LoraAdapter implements AutoCloseable {
    public static final String CONFIG_FILE = "adapter_config.json";
    public static final String WEIGHTS_FILE = "adapter_model.safetensors";
    private static final String PEFT_PREFIX = "base_model.model.";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private final LoraConfig config;
    private final NDManager manager;
    /** Module path ({@code model.layers.0.self_attn.q_proj}) to its pair, in layer then PEFT module order. */
    private final Map<String, LoraWeights> weights;

    private LoraAdapter(LoraConfig config, NDManager manager, Map<String, LoraWeights> weights) {
        this.config = config;
        this.manager = manager;
        this.weights = Collections.unmodifiableMap(weights);
    }

    /** PEFT's initialisation for {@code model}: A Kaiming-uniform (a = sqrt 5), B zero; deterministic for a seed. */
    public static LoraAdapter init(LlamaModel model, LoraConfig lc, long seed) {
        return init(model.config(), lc, seed, model.device());
    }

    /**
     * PEFT's initialisation: {@code nn.init.kaiming_uniform_(A, a=sqrt(5))}, i.e. uniform in
     * {@code ±1/sqrt(in)}, and B = 0, so the adapted model starts equal to the base. The values come
     * from a Java {@link SplittableRandom} seeded with {@code seed} (same on every device), module by
     * module in layer order.
     */
    public static LoraAdapter init(LlamaConfig cfg, LoraConfig lc, long seed, Device device) {
        SplittableRandom rng = new SplittableRandom(seed);
        NDManager m = NDManager.newBaseManager(device);
        Map<String, LoraWeights> w = new LinkedHashMap<>();
        try {
            for (String path : modulePaths(cfg, lc)) {
                int[] shape = cfg.projectionShape(module(path));
                int out = shape[0];
                int in = shape[1];
                double bound = 1.0 / Math.sqrt(in);
                float[] a = new float[lc.r() * in];
                for (int i = 0; i < a.length; i++) {
                    a[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
                }
                w.put(path, new LoraWeights(
                        Tensors.fromFloats(m, a, new Shape(lc.r(), in), DataType.FLOAT32),
                        m.zeros(new Shape(out, lc.r()), DataType.FLOAT32)));
            }
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
        return new LoraAdapter(lc, m, w);
    }

    /** Loads a PEFT adapter folder for {@code model}, checking targets and shapes against its config. */
    public static LoraAdapter loadPeft(Path adapterDir, LlamaModel model) {
        return loadPeft(adapterDir, model.config(), model.device());
    }

    public static LoraAdapter loadPeft(Path adapterDir, LlamaConfig cfg, Device device) {
        LoraConfig lc = readConfig(adapterDir.resolve(CONFIG_FILE));
        Path file = adapterDir.resolve(WEIGHTS_FILE);
        if (!Files.exists(file)) {
            throw new IllegalArgumentException("no " + WEIGHTS_FILE + " in " + adapterDir);
        }
        SafetensorsFile st = SafetensorsFile.open(file);
        Set<String> unused = new HashSet<>(st.entries().keySet());
        NDManager m = NDManager.newBaseManager(device);
        Map<String, LoraWeights> w = new LinkedHashMap<>();
        try {
            for (String path : modulePaths(cfg, lc)) {
                int[] shape = cfg.projectionShape(module(path));
                NDArray a = readPair(st, path, "lora_A", new long[] {lc.r(), shape[1]}, m, unused);
                NDArray b = readPair(st, path, "lora_B", new long[] {shape[0], lc.r()}, m, unused);
                w.put(path, new LoraWeights(a, b));
            }
            if (!unused.isEmpty()) {
                throw new IllegalArgumentException(file + " has tensors this engine does not use: "
                        + new TreeSet<>(unused));
            }
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
        return new LoraAdapter(lc, m, w);
    }

    /** Writes {@code adapter_config.json} and {@code adapter_model.safetensors} (F32) into {@code adapterDir}. */
    public void savePeft(Path adapterDir, String baseModelNameOrPath) {
        SafetensorsWriter writer = new SafetensorsWriter();
        peftTensors().forEach(writer::putF32);
        ObjectNode c = JSON.createObjectNode();
        c.putObject("alpha_pattern");
        c.putNull("auto_mapping");
        if (baseModelNameOrPath == null) {
            c.putNull("base_model_name_or_path");
        } else {
            c.put("base_model_name_or_path", baseModelNameOrPath);
        }
        c.put("bias", "none");
        c.put("fan_in_fan_out", false);
        c.put("inference_mode", true);
        c.put("init_lora_weights", true);
        c.putNull("layer_replication");
        c.putNull("layers_pattern");
        c.putNull("layers_to_transform");
        c.putObject("loftq_config");
        if (config.alpha() == Math.rint(config.alpha())) {
            c.put("lora_alpha", (long) config.alpha());
        } else {
            c.put("lora_alpha", config.alpha());
        }
        c.put("lora_dropout", config.dropout());
        c.putNull("megatron_config");
        c.put("megatron_core", "megatron.core");
        c.putNull("modules_to_save");
        c.put("peft_type", "LORA");
        c.put("r", config.r());
        c.putObject("rank_pattern");
        c.putNull("revision");
        var targets = c.putArray("target_modules");
        config.targetModules().forEach(targets::add);
        c.put("task_type", "CAUSAL_LM");
        c.put("use_dora", false);
        c.put("use_rslora", false);
        try {
            Files.createDirectories(adapterDir);
            writer.write(adapterDir.resolve(WEIGHTS_FILE));
            Path tmp = Files.createTempFile(adapterDir, CONFIG_FILE, ".part");
            Files.write(tmp, JSON.writeValueAsBytes(c));
            Files.move(tmp, adapterDir.resolve(CONFIG_FILE), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write adapter to " + adapterDir, e);
        }
    }

    /** The pair for a module path, or null when this adapter does not target it. */
    public LoraWeights weights(String modulePath) {
        return weights.get(modulePath);
    }

    /** Module path to pair, in layer then PEFT module order. */
    public Map<String, LoraWeights> modules() {
        return weights;
    }

    /** The arrays under their PEFT file names ({@code base_model.model.<module>.lora_A.weight}), A before B. */
    public Map<String, NDArray> peftTensors() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        weights.forEach((path, pair) -> {
            out.put(PEFT_PREFIX + path + ".lora_A.weight", pair.loraA());
            out.put(PEFT_PREFIX + path + ".lora_B.weight", pair.loraB());
        });
        return out;
    }

    /** All trainable arrays (A, B of every module), for attaching gradients and the optimizer. */
    public List<NDArray> parameters() {
        return new ArrayList<>(peftTensors().values());
    }

    public long trainableParameters() {
        long n = 0;
        for (NDArray p : parameters()) {
            n += p.size();
        }
        return n;
    }

    /** Trainable parameter count from the configs alone: 41,943,040 for Llama-3.1-8B at r 16 on the seven targets. */
    public static long trainableParameters(LlamaConfig cfg, LoraConfig lc) {
        long perLayer = 0;
        for (String module : lc.targetModules()) {
            int[] s = cfg.projectionShape(module);
            perLayer += (long) lc.r() * (s[0] + s[1]);
        }
        return perLayer * cfg.numHiddenLayers();
    }

    public LoraConfig config() {
        return config;
    }

    public float scaling() {
        return config.scaling();
    }

    /** The manager that owns this adapter's arrays. */
    public NDManager manager() {
        return manager;
    }

    /**
     * A copy with every array in {@code type}, in its own manager: the compute-type working weights of
     * mixed-precision training (float16 leaves that receive gradients while the float32 masters stay
     * here), since DJL's toType cannot carry a gradient from a float16 forward back to float32.
     */
    LoraAdapter castCopy(DataType type) {
        NDManager m = NDManager.newBaseManager(manager.getDevice());
        Map<String, LoraWeights> w = new LinkedHashMap<>();
        weights.forEach((path, pair) -> w.put(path, new LoraWeights(
                Tensors.own(pair.loraA().toType(type, true), m), Tensors.own(pair.loraB().toType(type, true), m))));
        return new LoraAdapter(config, m, w);
    }

    @Override
    public void close() {
        manager.close();
    }

    static List<String> modulePaths(LlamaConfig cfg, LoraConfig lc) {
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < cfg.numHiddenLayers(); i++) {
            for (String module : LoraConfig.ALL_TARGETS) {
                if (lc.targets(module)) {
                    boolean attention = LoraConfig.ALL_TARGETS.indexOf(module) < 4;
                    paths.add("model.layers." + i + (attention ? ".self_attn." : ".mlp.") + module);
                }
            }
        }
        return paths;
    }

    private static String module(String path) {
        return path.substring(path.lastIndexOf('.') + 1);
    }

    private static NDArray readPair(SafetensorsFile st, String path, String which, long[] shape, NDManager m,
            Set<String> unused) {
        String key = PEFT_PREFIX + path + "." + which + ".weight";
        if (!st.entries().containsKey(key)) {
            throw new IllegalArgumentException(st.path() + " lacks " + key);
        }
        SafetensorsFile.Entry e = st.entry(key);
        if (!java.util.Arrays.equals(e.shape(), shape)) {
            throw new IllegalArgumentException(key + " has shape " + java.util.Arrays.toString(e.shape())
                    + ", expected " + java.util.Arrays.toString(shape));
        }
        unused.remove(key);
        return Tensors.fromFloats(m, st.readFloats(key), new Shape(shape), DataType.FLOAT32);
    }

    /** Reads and validates a PEFT {@code adapter_config.json}; features this engine lacks are rejected. */
    static LoraConfig readConfig(Path file) {
        JsonNode c;
        try {
            c = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read PEFT config " + file + ": " + e.getMessage(), e);
        }
        String type = c.path("peft_type").asText("");
        if (!type.equals("LORA")) {
            throw new IllegalArgumentException(file + ": peft_type '" + type + "' is not LORA");
        }
        rejectIf(c.path("use_dora").asBoolean(false), file, "use_dora");
        rejectIf(c.path("use_rslora").asBoolean(false), file, "use_rslora");
        rejectIf(c.path("fan_in_fan_out").asBoolean(false), file, "fan_in_fan_out");
        rejectIf(!c.path("bias").asText("none").equals("none"), file, "bias other than none");
        rejectIf(c.hasNonNull("modules_to_save") && c.get("modules_to_save").size() > 0, file, "modules_to_save");
        rejectIf(c.hasNonNull("layers_to_transform"), file, "layers_to_transform");
        rejectIf(c.path("rank_pattern").size() > 0 || c.path("alpha_pattern").size() > 0, file,
                "rank_pattern / alpha_pattern");
        JsonNode t = c.get("target_modules");
        if (t == null || !t.isArray()) {
            throw new IllegalArgumentException(file + ": target_modules must be a list of module names");
        }
        List<String> targets = new ArrayList<>();
        for (String module : LoraConfig.ALL_TARGETS) { // PEFT stores a set in any order: keep ours
            for (JsonNode n : t) {
                if (n.asText().equals(module)) {
                    targets.add(module);
                }
            }
        }
        if (targets.size() != t.size()) {
            throw new IllegalArgumentException(file + ": target_modules " + t + " has modules outside " + LoraConfig.ALL_TARGETS);
        }
        return new LoraConfig(c.path("r").asInt(), c.path("lora_alpha").asDouble(), c.path("lora_dropout").asDouble(0),
                targets);
    }

    private static void rejectIf(boolean bad, Path file, String feature) {
        if (bad) {
            throw new IllegalArgumentException(file + ": " + feature + " is not supported");
        }
    }
}
