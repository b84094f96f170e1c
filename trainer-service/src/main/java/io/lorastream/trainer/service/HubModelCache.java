package io.lorastream.trainer.service;

import io.lorastream.trainer.service.HubClient.RepoFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Hub models downloaded into a cache folder, one folder per repository revision:
 * {@code <cache>/<owner>--<name>/<revision>/}. Only what a Llama needs is fetched (config, safetensors
 * weights and their index, tokenizer files), never {@code original/} checkpoints or pickles. A folder
 * counts as present once {@value #COMPLETE} is written, after every file was verified.
 */
public final class HubModelCache {
    private static final Logger LOG = Logger.getLogger(HubModelCache.class);
    static final String COMPLETE = ".lorastream-complete";
    private static final Pattern WANTED = Pattern.compile(
            "config\\.json|generation_config\\.json|.*\\.safetensors|model\\.safetensors\\.index\\.json"
                    + "|tokenizer.*|special_tokens_map\\.json");

    private final HubClient hub;
    private final Path cacheDir;

    public HubModelCache(HubClient hub, Path cacheDir) {
        this.hub = hub;
        this.cacheDir = cacheDir.toAbsolutePath();
    }

    /** The local folder of {@code repoId@revision}, downloading it first if needed. */
    public synchronized Path fetch(String repoId, String revision) {
        Path dir = folder(repoId, revision);
        if (Files.exists(dir.resolve(COMPLETE))) {
            return dir;
        }
        List<RepoFile> files = hub.listFiles(repoId, revision).stream()
                .filter(f -> !f.name().contains("/") && WANTED.matcher(f.name()).matches())
                .sorted(java.util.Comparator.comparingLong(RepoFile::size)) // config and tokenizer before the weights
                .toList();
        if (files.stream().noneMatch(f -> f.name().equals("config.json"))) {
            throw new HubException(repoId + "@" + revision + " has no config.json: not a transformers model", -1);
        }
        long bytes = files.stream().mapToLong(f -> Math.max(0, f.size())).sum();
        LOG.infof("downloading %s@%s: %d files, %.1f MB, into %s", repoId, revision, files.size(), bytes / 1e6, dir);
        for (RepoFile f : files) {
            Path target = dir.resolve(f.name());
            if (!isPresent(target, f)) {
                hub.download(repoId, revision, f, target);
            }
        }
        try {
            Files.writeString(dir.resolve(COMPLETE),
                    files.stream().map(RepoFile::name).collect(Collectors.joining("\n", "", "\n")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LOG.infof("model %s@%s ready in %s", repoId, revision, dir);
        return dir;
    }

    /**
     * Only {@code config.json} of {@code repoId@revision} (for checks before a run), downloading it if
     * needed. A config already in place is read without waiting for a full download in progress (which
     * fetches the small files first).
     */
    public Path fetchConfig(String repoId, String revision) {
        Path config = folder(repoId, revision).resolve("config.json");
        if (Files.exists(config)) {
            return config;
        }
        synchronized (this) {
            return fetchConfigLocked(repoId, revision, config);
        }
    }

    private Path fetchConfigLocked(String repoId, String revision, Path config) {
        if (!Files.exists(config)) {
            RepoFile file = hub.listFiles(repoId, revision).stream()
                    .filter(f -> f.name().equals("config.json")).findFirst()
                    .orElseThrow(() -> new HubException(repoId + "@" + revision + " has no config.json", -1));
            hub.download(repoId, revision, file, config);
        }
        return config;
    }

    public Path folder(String repoId, String revision) {
        return cacheDir.resolve(repoId.replace("/", "--")).resolve(revision.replace("/", "--"));
    }

    /** A file already in place (a config fetched alone, or a download stopped between files): moved there verified. */
    private static boolean isPresent(Path target, RepoFile f) {
        try {
            return Files.exists(target) && f.size() >= 0 && Files.size(target) == f.size()
                    && (f.sha256() == null || f.sha256().equals(io.lorastream.contracts.Digests.sha256(target)));
        } catch (IOException e) {
            return false;
        }
    }
}
