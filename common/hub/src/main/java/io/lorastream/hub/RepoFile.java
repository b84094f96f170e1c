package io.lorastream.hub;

import java.util.Optional;

/**
 * A file of a repository revision as the Hub lists it ({@code siblings} with {@code blobs=true}).
 *
 * @param path path inside the repository
 * @param size bytes, -1 when the listing did not say
 * @param blobId the git blob id (sha1 of {@code "blob <size>\0" + content}), null when not listed
 * @param lfsSha256 the sha256 of the content for files stored in LFS, null for regular files
 */
public record RepoFile(String path, long size, String blobId, String lfsSha256) {

    public boolean lfs() {
        return lfsSha256 != null;
    }

    public Optional<String> sha256() {
        return Optional.ofNullable(lfsSha256);
    }
}
