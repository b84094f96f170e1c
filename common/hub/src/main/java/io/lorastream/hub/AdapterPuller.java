package io.lorastream.hub;

import com.fasterxml.jackson.databind.JsonNode;
import io.lorastream.contracts.ContractJson;
import io.lorastream.contracts.Digests;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pulls a PEFT adapter named by an {@code hf://owner/repo[/folder][@revision]} URI into a cache folder
 * {@code <cache>/models--owner--repo/<commit sha>[/folder]}: the revision is resolved to a commit first, and
 * the files are fetched from that commit, so a branch that moves meanwhile cannot mix two versions. Each file
 * is verified against the Hub's digest (LFS sha256 from the listing and {@code X-Linked-Etag}, or the git blob
 * id of regular files) and the served commit must be the resolved one. A later pull of the same commit
 * re-hashes the cached files against the manifest written after the first pull instead of downloading again.
 * The caller then computes {@code Digests.adapterSha256(folder)} and checks the base model, as for local
 * adapters.
 */
public final class AdapterPuller {
    public static final String CONFIG = "adapter_config.json";
    public static final String WEIGHTS = "adapter_model.safetensors";
    static final String MANIFEST = ".lorastream-pull.json";

    private final HubClient client;
    private final Path cacheDir;
    private final Map<Path, Object> locks = new ConcurrentHashMap<>();

    public AdapterPuller(HubClient client, Path cacheDir) {
        this.client = client;
        this.cacheDir = cacheDir.toAbsolutePath().normalize();
    }

    public Path cacheDir() {
        return cacheDir;
    }

    public PulledAdapter pull(String uri) {
        return pull(HfUri.parse(uri));
    }

    public PulledAdapter pull(HfUri uri) {
        RepoRevision rev = client.revision(uri.repo(), uri.revision());
        HfUri resolved = uri.withRevision(rev.sha());
        RepoFile config = rev.file(uri.pathInRepo(CONFIG)).orElseThrow(() -> noAdapter(uri, rev,
                CONFIG + " not found" + (uri.subfolder().isEmpty() ? "" : " in " + uri.subfolder())));
        RepoFile weights = rev.file(uri.pathInRepo(WEIGHTS)).orElseThrow(() -> noAdapter(uri, rev,
                rev.file(uri.pathInRepo("adapter_model.bin")).isPresent()
                        ? "only adapter_model.bin is there; lorastream loads adapter_model.safetensors"
                        : WEIGHTS + " not found"));
        Path folder = cacheDir.resolve("models--" + uri.repo().owner() + "--" + uri.repo().name()).resolve(rev.sha());
        if (!uri.subfolder().isEmpty()) {
            folder = folder.resolve(uri.subfolder());
        }
        synchronized (locks.computeIfAbsent(folder, k -> new Object())) {
            Optional<Map<String, String>> cached = cached(folder);
            if (cached.isPresent()) {
                HubHttp.LOG.fine(() -> "adapter " + resolved + " taken from the cache");
                return new PulledAdapter(uri, resolved, folder, cached.get(), true);
            }
            Map<String, String> shas = new LinkedHashMap<>();
            for (RepoFile file : List.of(config, weights)) {
                String name = file.path().substring(file.path().lastIndexOf('/') + 1);
                DownloadedFile got = client.download(uri.repo(), rev.sha(), file.path(), folder.resolve(name),
                        file.lfsSha256());
                if (got.commit() != null && !got.commit().equals(rev.sha())) {
                    throw new HubException(HubException.Kind.INTEGRITY, resolved + ": " + file.path()
                            + " was served from commit " + got.commit());
                }
                if (!file.lfs() && file.blobId() != null
                        && !file.blobId().equals(UploadFile.GitBlob.sha1(got.path()))) {
                    throw new HubException(HubException.Kind.INTEGRITY, resolved + ": " + file.path()
                            + " does not match the git blob id the Hub lists");
                }
                shas.put(name, got.sha256());
            }
            checkPeftConfig(uri, rev, folder.resolve(CONFIG));
            writeManifest(folder, resolved, shas);
            HubHttp.LOG.info(() -> "pulled adapter " + resolved + " (requested as " + uri + ")");
            return new PulledAdapter(uri, resolved, folder, shas, false);
        }
    }

    /** The manifest's digests when every listed file is there with that digest. */
    private static Optional<Map<String, String>> cached(Path folder) {
        Path manifest = folder.resolve(MANIFEST);
        if (!Files.isRegularFile(manifest)) {
            return Optional.empty();
        }
        try {
            JsonNode files = ContractJson.mapper().readTree(manifest.toFile()).path("files");
            Map<String, String> shas = new LinkedHashMap<>();
            files.fields().forEachRemaining(e -> shas.put(e.getKey(), e.getValue().asText()));
            if (!shas.containsKey(CONFIG) || !shas.containsKey(WEIGHTS)) {
                return Optional.empty();
            }
            for (Map.Entry<String, String> e : shas.entrySet()) {
                Path f = folder.resolve(e.getKey());
                if (!Files.isRegularFile(f) || !Digests.sha256(f).equals(e.getValue())) {
                    HubHttp.LOG.warning(() -> "cached " + f + " is missing or changed: pulling again");
                    Files.deleteIfExists(manifest);
                    return Optional.empty();
                }
            }
            return Optional.of(shas);
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
    }

    private static void writeManifest(Path folder, HfUri resolved, Map<String, String> shas) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("uri", resolved.toString());
        m.put("files", shas);
        Path tmp = folder.resolve(MANIFEST + ".tmp");
        try {
            Files.write(tmp, ContractJson.write(m));
            Files.move(tmp, folder.resolve(MANIFEST), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + folder.resolve(MANIFEST), e);
        }
    }

    private static void checkPeftConfig(HfUri uri, RepoRevision rev, Path config) {
        JsonNode n;
        try {
            n = ContractJson.mapper().readTree(config.toFile());
        } catch (IOException e) {
            throw noAdapter(uri, rev, CONFIG + " is not JSON");
        }
        if (n == null || !n.hasNonNull("peft_type")) {
            throw noAdapter(uri, rev, CONFIG + " has no peft_type: not a PEFT adapter config");
        }
    }

    private static HubException noAdapter(HfUri uri, RepoRevision rev, String why) {
        List<String> paths = rev.paths();
        String listing = paths.size() > 20 ? String.join(", ", paths.subList(0, 20)) + ", ..." : String.join(", ", paths);
        return new HubException(HubException.Kind.NO_ADAPTER, uri + " (commit " + rev.sha() + ") holds no PEFT "
                + "adapter: " + why + " (files: " + (paths.isEmpty() ? "none" : listing) + ")");
    }
}
