package io.lorastream.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.GZIPInputStream;

/**
 * The read-only assets in {@code ../shared} beside the repository root: TweetEval data, tiny models,
 * the Llama 3 tokenizer and the golden numbers. Resolved from the {@code lorastream.shared} system
 * property (set by the parent pom), else by walking up to the folder that holds {@code .git}.
 */
public final class SharedAssets {
    private SharedAssets() {}

    public static Path root() {
        String prop = System.getProperty("lorastream.shared");
        if (prop != null && Files.isDirectory(Path.of(prop))) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve(".git")) && Files.isDirectory(p.resolveSibling("shared"))) {
                return p.resolveSibling("shared");
            }
        }
        throw new IllegalStateException("../shared not found: set -Dlorastream.shared=<path> or run from the "
                + "repository, with the shared assets beside it (see README.md)");
    }

    public static Path resolve(String relative) {
        Path p = root().resolve(relative);
        if (!Files.exists(p)) {
            throw new IllegalStateException("missing shared asset " + p);
        }
        return p;
    }

    public static Path tweetEvalSentiment() {
        return resolve("data/tweeteval-sentiment");
    }

    public static Path stories260K() {
        return resolve("models/stories260K-hf");
    }

    public static Path golden(String name) {
        return resolve("golden/" + name);
    }

    /**
     * The Llama 3 tokenizer folder with {@code tokenizer.json} gunzipped into {@code target/} (it is
     * stored gzipped in ../shared and never committed).
     */
    public static synchronized Path llama3Tokenizer() {
        Path src = resolve("models/llama3-tokenizer");
        Path dir = Path.of("target", "llama3-tokenizer").toAbsolutePath();
        Path json = dir.resolve("tokenizer.json");
        try {
            if (!Files.exists(json)) {
                Files.createDirectories(dir);
                Path tmp = Files.createTempFile(dir, "tokenizer", ".part");
                try (InputStream in = new GZIPInputStream(Files.newInputStream(src.resolve("tokenizer.json.gz")));
                        OutputStream out = Files.newOutputStream(tmp)) {
                    in.transferTo(out);
                }
                Files.move(tmp, json, StandardCopyOption.ATOMIC_MOVE);
                Files.copy(src.resolve("tokenizer_config.json"), dir.resolve("tokenizer_config.json"),
                        StandardCopyOption.REPLACE_EXISTING);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack the Llama 3 tokenizer", e);
        }
    }
}
