package io.lorastream.hub;

import java.util.List;
import java.util.Optional;

/**
 * A repository at one revision: the commit sha the revision resolved to and its files.
 *
 * @param sha the commit sha (40 hex characters)
 */
public record RepoRevision(RepoId repo, String revision, String sha, boolean privateRepo, List<RepoFile> files) {

    public RepoRevision {
        files = List.copyOf(files);
    }

    public Optional<RepoFile> file(String path) {
        return files.stream().filter(f -> f.path().equals(path)).findFirst();
    }

    public List<String> paths() {
        return files.stream().map(RepoFile::path).toList();
    }
}
