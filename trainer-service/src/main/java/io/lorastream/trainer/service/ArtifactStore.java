package io.lorastream.trainer.service;

import io.lorastream.trainer.config.TrainerConfig;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The artifact store: a folder holding {@code <adapterId>/<version>/} with the PEFT files
 * ({@code adapter_config.json}, {@code adapter_model.safetensors}) and {@code trainer-state/} (optimizer
 * state, RNG, data position) for resuming. A version is written into a temporary folder and renamed into
 * place, so a crash never leaves a half-written version behind.
 */
@ApplicationScoped
public class ArtifactStore {
    /** The only files served over HTTP. */
    public static final Set<String> PEFT_FILES = Set.of("adapter_config.json", "adapter_model.safetensors");
    public static final String STATE_DIR = "trainer-state";
    private static final Pattern ADAPTER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");

    @Inject
    TrainerConfig config;

    private Path root;

    @PostConstruct
    void init() {
        root = config.artifactDir().toAbsolutePath().normalize();
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the artifact store " + root, e);
        }
    }

    public Path root() {
        return root;
    }

    /** An empty temporary folder inside the store to write a version into. */
    public Path staging(String adapterId, int version) {
        try {
            Path parent = Files.createDirectories(versionDir(adapterId, version).getParent());
            return Files.createTempDirectory(parent, "." + version + "-staging-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Moves a staged version into place, replacing a leftover of a run that crashed before recording it. */
    public Path commit(Path staged, String adapterId, int version) {
        Path target = versionDir(adapterId, version);
        try {
            if (Files.exists(target)) {
                deleteTree(target);
            }
            Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move " + staged + " to " + target, e);
        }
    }

    public Path versionDir(String adapterId, int version) {
        if (!ADAPTER_ID.matcher(adapterId).matches() || version < 1) {
            throw new IllegalArgumentException("bad adapter reference " + adapterId + "@" + version);
        }
        return root.resolve(adapterId).resolve(Integer.toString(version));
    }

    public Path stateDir(String adapterId, int version) {
        return versionDir(adapterId, version).resolve(STATE_DIR);
    }

    /** Whether {@code adapterId} is safe to use as a folder name (what runs and URLs may carry). */
    public static boolean isValidAdapterId(String adapterId) {
        return adapterId != null && ADAPTER_ID.matcher(adapterId).matches();
    }

    /** {@code name} made a valid adapter id: characters other than letters, digits, {@code ._-} become {@code -}. */
    public static String toAdapterId(String name) {
        String id = name.replaceAll("[^A-Za-z0-9._-]", "-").replaceAll("^[^A-Za-z0-9]+", "");
        id = id.length() > 200 ? id.substring(0, 200) : id;
        return id.isEmpty() ? "adapter" : id;
    }

    /** A served PEFT file; empty for anything else (other names, traversal, missing). */
    public Optional<Path> peftFile(String adapterId, int version, String file) {
        if (!isValidAdapterId(adapterId) || version < 1 || !PEFT_FILES.contains(file)) {
            return Optional.empty();
        }
        Path p = versionDir(adapterId, version).resolve(file).normalize();
        return p.startsWith(root) && Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }

    /** The URI a checkpoint event names: over HTTP when a public URL is configured, else the folder itself. */
    public URI uri(String adapterId, int version) {
        return config.publicUrl()
                .map(base -> URI.create(base.toString().replaceAll("/+$", "") + "/adapters/" + adapterId + "/" + version))
                .orElse(versionDir(adapterId, version).toUri());
    }

    public static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
