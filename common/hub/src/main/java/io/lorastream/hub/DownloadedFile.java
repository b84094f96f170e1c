package io.lorastream.hub;

import java.nio.file.Path;

/**
 * A file fetched from {@code /resolve}, verified.
 *
 * @param commit the commit the Hub served it from ({@code X-Repo-Commit}), null if it did not say
 * @param sha256 sha256 of the local file
 * @param verifiedBy what the content was checked against: {@code lfs-sha256} (X-Linked-Etag or the listing),
 *     {@code git-blob-sha1} (the ETag of a regular file), or {@code size-only}
 * @param resumedFrom bytes taken over from an earlier partial download, 0 when none
 */
public record DownloadedFile(Path path, long size, String sha256, String commit, String verifiedBy, long resumedFrom) {}
