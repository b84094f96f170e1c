package io.lorastream.trainer.service;

import io.lorastream.contracts.Digests;
import io.lorastream.hub.HubClient;
import io.lorastream.hub.HubException;
import io.lorastream.hub.RepoFile;
import io.lorastream.hub.RepoId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Hub models downloaded into a cache folder, one folder per repository revision:
 * {@code <cache>/<owner>--<name>/<revision>/}. Only what a Llama needs is fetched (config, safetensors
 * weights and their index, tokenizer files), never {@code original/} checkpoints or pickles. A folder
 * counts as present once {@value #COMPLETE} is written, after every file was verified. The transfers are
 * lorastream-hub's {@link HubClient}: resumed with {@code Range} after a dropped connection, verified
 * against the listing's LFS sha256 or the Hub's ETag, the token sent to the Hub only.
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
        RepoId repo = RepoId.parse(repoId);
        List<RepoFile> files = explained(() -> hub.listFiles(repo, revision)).stream()
                .filter(f -> !f.path().contains("/") && WANTED.matcher(f.path()).matches())
                .sorted(Comparator.comparingLong(RepoFile::size)) // config and tokenizer before the weights
                .toList();
        if (files.stream().noneMatch(f -> f.path().equals("config.json"))) {
            throw new HubException(HubException.Kind.NOT_FOUND, repoId + "@" + revision
                    + " has no config.json: not a transformers model");
        }
        long bytes = files.stream().mapToLong(f -> Math.max(0, f.size())).sum();
        LOG.infof("downloading %s@%s: %d files, %.1f MB, into %s", repoId, revision, files.size(), bytes / 1e6, dir);
        for (RepoFile f : files) {
            Path target = dir.resolve(f.path());
            if (!isPresent(target, f)) {
                explained(() -> hub.download(repo, revision, f.path(), target, f.lfsSha256()));
            }
        }
        try {
            Files.writeString(dir.resolve(COMPLETE),
                    files.stream().map(RepoFile::path).collect(Collectors.joining("\n", "", "\n")));
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
            if (!Files.exists(config)) {
                explained(() -> hub.download(RepoId.parse(repoId), revision, "config.json", config));
            }
            return config;
        }
    }

    public Path folder(String repoId, String revision) {
        return cacheDir.resolve(repoId.replace("/", "--")).resolve(revision.replace("/", "--"));
    }

    /** A file already in place (a config fetched alone, or a download stopped between files): moved there verified. */
    private static boolean isPresent(Path target, RepoFile f) {
        try {
            return Files.exists(target) && f.size() >= 0 && Files.size(target) == f.size()
                    && (f.lfsSha256() == null || f.lfsSha256().equals(Digests.sha256(target)));
        } catch (IOException e) {
            return false;
        }
    }

    /** A refused download says which trainer setting to look at. */
    private <T> T explained(Supplier<T> call) {
        try {
            return call.get();
        } catch (HubException e) {
            if (e.kind() != HubException.Kind.UNAUTHORIZED) {
                throw e;
            }
            String advice = hub.config().token().isPresent()
                    ? "the configured token is invalid or lacks access to this repository"
                    : "the repository is gated or private; configure a token (lorastream.trainer.hub.token)";
            throw new HubException(HubException.Kind.UNAUTHORIZED, advice + ": " + e.detail(), e.status(), e);
        }
    }
}
