package io.lorastream.hub;

import java.util.List;

/**
 * An adapter the Hub confirmed as committed.
 *
 * @param uri {@code hf://owner/repo@<commit sha>}: what a checkpoint event or {@code POST /adapters} carries
 * @param adapterSha256 the adapter digest of the published PEFT files ({@code Digests.folderSha256} over
 *     {@code adapter_config.json} and {@code adapter_model.safetensors}), equal to what inference computes
 *     with {@code Digests.adapterSha256} on the pulled folder
 * @param repoCreated whether this publish created the repository
 */
public record PublishResult(RepoId repo, String revision, String commitOid, String commitUrl, HfUri uri,
        String adapterSha256, List<RepoFile> files, boolean repoCreated) {
    public PublishResult {
        files = List.copyOf(files);
    }
}
