package io.lorastream.trainer.service;

import io.lorastream.hub.HubClient;
import io.lorastream.trainer.config.TrainerConfig;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a base-model reference into a local Hugging Face folder. A reference is a local folder, or a
 * Hub model id {@code owner/name} with an optional {@code @revision}, downloaded on first use.
 */
@ApplicationScoped
public class ModelStore {
    private static final Pattern HUB_ID = Pattern.compile("([A-Za-z0-9][\\w.-]*/[\\w.-]+)(?:@([\\w./-]+))?");

    @Inject
    TrainerConfig config;

    private HubModelCache cache;

    @PostConstruct
    void init() {
        TrainerConfig.Hub hub = config.hub();
        cache = new HubModelCache(new HubClient(hub.clientConfig()), hub.cacheDir());
    }

    /** The configured default when {@code ref} is null or blank; a local folder as its normalized absolute path. */
    public String orDefault(String ref) {
        String model = ref == null || ref.isBlank() ? config.baseModel().trim() : ref.trim();
        try {
            Path p = Path.of(model);
            return Files.isDirectory(p) ? p.toAbsolutePath().normalize().toString() : model;
        } catch (java.nio.file.InvalidPathException e) {
            return model;
        }
    }

    /** The model folder, downloading it if it is a Hub id not yet cached. */
    public Path resolve(String ref) {
        String model = orDefault(ref);
        Path local = localFolder(model);
        if (local != null) {
            return local;
        }
        Matcher m = hubId(model);
        return cache.fetch(m.group(1), revision(m));
    }

    /** The model's {@code config.json}, fetching only that file for a Hub id. */
    public Path configJson(String ref) {
        String model = orDefault(ref);
        Path local = localFolder(model);
        if (local != null) {
            return local.resolve("config.json");
        }
        Matcher m = hubId(model);
        return cache.fetchConfig(m.group(1), revision(m));
    }

    private static Path localFolder(String model) {
        try {
            Path p = Path.of(model);
            if (Files.isDirectory(p)) {
                if (!Files.isRegularFile(p.resolve("config.json"))) {
                    throw new IllegalArgumentException("base model folder " + p + " has no config.json");
                }
                return p.toAbsolutePath();
            }
        } catch (java.nio.file.InvalidPathException ignored) {
            // not a path: maybe a Hub id
        }
        return null;
    }

    private static Matcher hubId(String model) {
        Matcher m = HUB_ID.matcher(model);
        if (!m.matches()) {
            throw new IllegalArgumentException("base model '" + model
                    + "' is neither a local folder nor a Hugging Face model id (owner/name[@revision])");
        }
        return m;
    }

    private String revision(Matcher m) {
        return m.group(2) != null ? m.group(2) : config.hub().revision();
    }
}
