package io.lorastream.contracts;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;

/** The SHA-256 digests named in the contracts (shared/notes/decisions.md). */
public final class Digests {
    private Digests() {}

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }

    public static String sha256(byte[] bytes) {
        return hex(sha256().digest(bytes));
    }

    public static String sha256(Path file) {
        MessageDigest md = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot hash " + file, e);
        }
        return hex(md.digest());
    }

    /** Over the records in (split, index) order, each as its contract JSON followed by {@code \n}. */
    public static String datasetSha256(Collection<PromptRecord> records) {
        MessageDigest md = sha256();
        records.stream()
                .sorted(Comparator.comparing(PromptRecord::split).thenComparingInt(PromptRecord::index))
                .forEach(r -> {
                    md.update(ContractJson.write(r));
                    md.update((byte) '\n');
                });
        return hex(md.digest());
    }

    /**
     * A model's or adapter's digest: SHA-256 over the lines {@code <relative name>:<sha256 of file>\n}
     * of the given files, sorted by name.
     */
    public static String folderSha256(Path folder, Collection<Path> files) {
        TreeMap<String, String> lines = new TreeMap<>();
        for (Path f : files) {
            Path rel = f.isAbsolute() ? folder.relativize(f) : f;
            lines.put(rel.toString().replace('\\', '/'), sha256(folder.resolve(rel)));
        }
        StringBuilder sb = new StringBuilder();
        lines.forEach((name, sha) -> sb.append(name).append(':').append(sha).append('\n'));
        return sha256(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Digest of a Hugging Face model folder: {@code config.json}, weights ({@code *.safetensors},
     * the shard index) and tokenizer files.
     */
    public static String modelSha256(Path folder) {
        return folderSha256(folder, list(folder, n -> n.equals("config.json") || n.endsWith(".safetensors")
                || n.equals("model.safetensors.index.json") || n.startsWith("tokenizer")
                || n.equals("special_tokens_map.json")));
    }

    /** Digest of a PEFT adapter folder: {@code adapter_config.json} and the adapter weights. */
    public static String adapterSha256(Path folder) {
        return folderSha256(folder, list(folder, n -> n.startsWith("adapter_")));
    }

    private static List<Path> list(Path folder, java.util.function.Predicate<String> keep) {
        try (Stream<Path> s = Files.list(folder)) {
            List<Path> files = s.filter(Files::isRegularFile)
                    .filter(p -> keep.test(p.getFileName().toString()))
                    .map(p -> p.getFileName())
                    .toList();
            if (files.isEmpty()) {
                throw new IllegalArgumentException("no model or adapter files in " + folder);
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
    }
}
