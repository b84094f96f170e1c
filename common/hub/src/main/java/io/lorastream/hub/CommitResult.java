package io.lorastream.hub;

import java.util.List;

/**
 * A commit the Hub confirmed: its oid came back in the commit response (or, after a lost response, the
 * branch head was found to hold exactly the uploaded files) and a listing of that commit showed every file
 * with the expected size and digest.
 *
 * @param commitOid the commit sha
 * @param commitUrl the Hub's page of the commit, may be null
 * @param files the files of the commit that this upload wrote
 * @param confirmedByListing true when the commit response was lost and the commit was recognised by listing
 */
public record CommitResult(RepoId repo, String revision, String commitOid, String commitUrl, List<RepoFile> files,
        boolean confirmedByListing) {
    public CommitResult {
        files = List.copyOf(files);
    }
}
