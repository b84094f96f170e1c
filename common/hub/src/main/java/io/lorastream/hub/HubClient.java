package io.lorastream.hub;

import com.fasterxml.jackson.databind.JsonNode;
import io.lorastream.contracts.ContractJson;
import io.lorastream.contracts.Digests;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of the Hugging Face Hub HTTP API that lorastream uses, for model repositories:
 * <ul>
 *   <li>{@code GET /api/whoami-v2} — who the token belongs to;</li>
 *   <li>{@code POST /api/repos/create} — create a repository (an existing one is fine);</li>
 *   <li>{@code GET /api/models/{repo}/revision/{rev}?blobs=true} — the commit sha and files of a revision;</li>
 *   <li>{@code POST /api/models/{repo}/preupload/{rev}} — which files go inline and which through LFS;</li>
 *   <li>{@code POST /{repo}.git/info/lfs/objects/batch} and its actions — LFS content ({@link LfsUploader});</li>
 *   <li>{@code POST /api/models/{repo}/commit/{rev}} — one atomic commit, NDJSON: a {@code header} line,
 *       then {@code file} lines (base64) and {@code lfsFile} lines (sha256 oid + size);</li>
 *   <li>{@code GET /{repo}/resolve/{rev}/{path}} — file content, resumable with {@code Range}.</li>
 * </ul>
 * Idempotent calls retry connection failures, 5xx and 429 with exponential backoff. A commit is published only
 * when the Hub returned its oid (or, when the answer was lost, the branch head was found to hold exactly these
 * files) and a listing of that commit shows every file with the right size and digest; anything else throws.
 * Thread-safe.
 */
public final class HubClient {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern SHA1 = Pattern.compile("[0-9a-f]{40}");
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");

    private final HubHttp http;
    private final LfsUploader lfs;

    public HubClient(HubConfig config) {
        this.http = new HubHttp(config);
        this.lfs = new LfsUploader(http);
    }

    public HubConfig config() {
        return http.config();
    }

    @Override
    public String toString() {
        return "HubClient[" + http.config() + "]";
    }

    // ---------------------------------------------------------------- account and repositories

    /** The account of the configured token. */
    public WhoAmI whoami() {
        requireToken("whoami");
        String what = "whoami";
        JsonNode n = http.expectOk(what, HubHttp.Call.get(http.api("/api/whoami-v2"))).json(what);
        List<String> orgs = new ArrayList<>();
        n.path("orgs").forEach(o -> orgs.add(o.path("name").asText()));
        String role = n.path("auth").path("accessToken").path("role").asText(null);
        return new WhoAmI(n.path("name").asText(), n.path("type").asText("user"), orgs, role);
    }

    /**
     * Creates the model repository; returns false when it already existed (the Hub's 409), which is fine:
     * publishing into an existing repository adds a commit.
     */
    public boolean createRepo(RepoId repo, boolean privateRepo) {
        requireToken("create repository " + repo);
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("type", "model");
        payload.put("name", repo.name());
        payload.put("organization", repo.owner());
        payload.put("private", privateRepo);
        String what = "create repository " + repo;
        HubHttp.Reply reply = http.retrying(what, HubHttp.Call.postJson(http.api("/api/repos/create"), payload));
        if (reply.status() == 409) {
            HubHttp.LOG.fine(() -> repo + " exists already");
            return false;
        }
        if (!reply.ok()) {
            throw http.error(what, reply);
        }
        HubHttp.LOG.info(() -> "created " + (privateRepo ? "private" : "public") + " model repository " + repo);
        return true;
    }

    /** The commit sha and files of {@code repo} at {@code revision} (branch, tag or sha). */
    public RepoRevision revision(RepoId repo, String revision) {
        String what = "list " + repo + "@" + revision;
        URI uri = http.api("/api/models/" + repo.id() + "/revision/" + HubHttp.segment(revision) + "?blobs=true");
        JsonNode n = http.expectOk(what, HubHttp.Call.get(uri)).json(what);
        String sha = n.path("sha").asText("");
        if (!SHA1.matcher(sha).matches()) {
            throw new HubException(HubException.Kind.REJECTED, what + ": the answer carries no commit sha");
        }
        List<RepoFile> files = new ArrayList<>();
        for (JsonNode s : n.path("siblings")) {
            JsonNode lfsInfo = s.path("lfs");
            String lfsSha = lfsInfo.isObject()
                    ? lfsInfo.hasNonNull("sha256") ? lfsInfo.get("sha256").asText() : lfsInfo.path("oid").asText(null)
                    : null;
            long size = s.hasNonNull("size") ? s.get("size").asLong()
                    : lfsInfo.isObject() && lfsInfo.hasNonNull("size") ? lfsInfo.get("size").asLong() : -1;
            files.add(new RepoFile(s.path("rfilename").asText(), size, s.path("blobId").asText(null), lfsSha));
        }
        return new RepoRevision(repo, revision, sha, n.path("private").asBoolean(false), files);
    }

    public List<RepoFile> listFiles(RepoId repo, String revision) {
        return revision(repo, revision).files();
    }

    // ---------------------------------------------------------------- upload

    /** Uploads {@code files} (paths relative to {@code folder}, kept as the paths in the repository) in one commit. */
    public CommitResult uploadFolder(RepoId repo, String revision, Path folder, List<String> files, String commitMessage) {
        List<UploadFile> uploads = new ArrayList<>();
        for (String f : files) {
            uploads.add(UploadFile.of(f, folder.resolve(f)));
        }
        return commit(repo, revision, uploads, commitMessage, "");
    }

    /**
     * Writes {@code files} to {@code revision} (an existing branch) in one atomic commit and returns it once
     * confirmed. Throws when nothing was committed or when the commit could not be confirmed; in both cases
     * nothing is to be reported as published, and running the same upload again is safe.
     */
    public CommitResult commit(RepoId repo, String revision, List<UploadFile> files, String summary, String description) {
        requireToken("commit to " + repo);
        if (files.isEmpty()) {
            throw new HubException(HubException.Kind.INVALID_ARGUMENT, "a commit needs at least one file");
        }
        Set<String> seen = new HashSet<>();
        for (UploadFile f : files) {
            if (!seen.add(f.pathInRepo())) {
                throw new HubException(HubException.Kind.INVALID_ARGUMENT, "path twice in one commit: " + f.pathInRepo());
            }
        }
        String target = repo + "@" + revision;
        RepoRevision head = revision(repo, revision); // 404 and 401 surface here, before any upload
        Map<String, String> modes = preupload(repo, revision, files);
        List<UploadFile> lfsFiles = files.stream().filter(f -> "lfs".equals(modes.get(f.pathInRepo()))).toList();
        lfs.upload(repo, revision, lfsFiles);
        byte[] body = ndjson(summary, description, head.sha(), files, modes);
        URI uri = http.api("/api/models/" + repo.id() + "/commit/" + HubHttp.segment(revision));
        HubHttp.Call call = new HubHttp.Call("POST", uri, Map.of("Content-Type", "application/x-ndjson",
                "Accept", "application/json"), () -> HttpRequest.BodyPublishers.ofByteArray(body), false);
        String what = "commit of " + files.size() + " file(s) to " + target;
        int max = http.config().maxAttempts();
        for (int attempt = 1; ; attempt++) {
            HubHttp.Reply reply;
            try {
                reply = http.send(call, HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                // The commit may have landed with only its answer lost, unless the connection never opened.
                if (!(e instanceof ConnectException)) {
                    Optional<RepoRevision> landed = landedMeanwhile(repo, revision, head.sha(), files);
                    if (landed.isPresent()) {
                        return confirm(repo, revision, landed.get().sha(), null, files, true);
                    }
                }
                if (attempt >= max) {
                    throw new HubException(HubException.Kind.NETWORK, http.redact(what + " failed after " + attempt
                            + " attempt(s): " + HubHttp.describe(e) + "; nothing was published"), 0, e);
                }
                http.pause(what, "connection failure (" + HubHttp.describe(e) + ")", attempt);
                continue;
            }
            if (reply.ok()) {
                JsonNode answer = reply.json(what);
                String oid = answer.path("commitOid").asText("");
                String url = answer.path("commitUrl").asText(null);
                if (!SHA1.matcher(oid).matches()) {
                    throw new HubException(HubException.Kind.NOT_CONFIRMED, what + ": the Hub answered HTTP "
                            + reply.status() + " without a commit oid; not reported as published");
                }
                return confirm(repo, revision, oid, url, files, false);
            }
            if (HubHttp.retryable(reply.status()) || (attempt > 1 && (reply.status() == 409 || reply.status() == 412))) {
                // 5xx: maybe applied; 409/412 on a retry: the parent moved, perhaps by our own earlier attempt
                Optional<RepoRevision> landed = landedMeanwhile(repo, revision, head.sha(), files);
                if (landed.isPresent()) {
                    return confirm(repo, revision, landed.get().sha(), null, files, true);
                }
                if (HubHttp.retryable(reply.status()) && attempt < max) {
                    http.pause(what, "HTTP " + reply.status(), attempt);
                    continue;
                }
            }
            throw http.error(what, reply);
        }
    }

    /**
     * Asks the Hub how each file must travel: {@code regular} (base64 in the commit) or {@code lfs}.
     * Returns path to mode.
     */
    public Map<String, String> preupload(RepoId repo, String revision, List<UploadFile> files) {
        List<Map<String, Object>> entries = new ArrayList<>();
        for (UploadFile f : files) {
            try {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("path", f.pathInRepo());
                entry.put("sample", Base64.getEncoder().encodeToString(f.sample()));
                entry.put("size", f.size());
                entries.add(entry);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + f, e);
            }
        }
        String what = "preupload check for " + repo + "@" + revision;
        URI uri = http.api("/api/models/" + repo.id() + "/preupload/" + HubHttp.segment(revision));
        JsonNode n = http.expectOk(what, HubHttp.Call.postJson(uri, Map.of("files", entries))).json(what);
        Map<String, String> modes = new LinkedHashMap<>();
        for (JsonNode f : n.path("files")) {
            String path = f.path("path").asText();
            String mode = f.path("uploadMode").asText("");
            if (!mode.equals("regular") && !mode.equals("lfs")) {
                throw new HubException(HubException.Kind.UNSUPPORTED, what + ": unknown upload mode '" + mode
                        + "' for " + path);
            }
            if (f.path("shouldIgnore").asBoolean(false)) {
                throw new HubException(HubException.Kind.REJECTED, what + ": the repository's .gitignore excludes "
                        + path);
            }
            modes.put(path, mode);
        }
        for (UploadFile f : files) {
            if (!modes.containsKey(f.pathInRepo())) {
                throw new HubException(HubException.Kind.REJECTED, what + ": no upload mode for " + f.pathInRepo());
            }
        }
        return modes;
    }

    /** The commit body: a header line, then one line per file, each a JSON object {@code {"key", "value"}}. */
    static byte[] ndjson(String summary, String description, String parentCommit, List<UploadFile> files,
            Map<String, String> modes) {
        StringBuilder sb = new StringBuilder();
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("summary", summary == null || summary.isBlank() ? "Upload with lorastream" : summary);
        header.put("description", description == null ? "" : description);
        if (parentCommit != null) {
            header.put("parentCommit", parentCommit); // the commit fails instead of landing on a moved branch
        }
        line(sb, "header", header);
        for (UploadFile f : files) {
            Map<String, Object> value = new LinkedHashMap<>();
            value.put("path", f.pathInRepo());
            if ("lfs".equals(modes.get(f.pathInRepo()))) {
                value.put("algo", "sha256");
                value.put("oid", f.sha256());
                value.put("size", f.size());
                line(sb, "lfsFile", value);
            } else {
                try {
                    value.put("content", Base64.getEncoder().encodeToString(f.readAll()));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + f, e);
                }
                value.put("encoding", "base64");
                line(sb, "file", value);
            }
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void line(StringBuilder sb, String key, Map<String, Object> value) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("key", key);
        line.put("value", value);
        sb.append(ContractJson.writeString(line)).append('\n');
    }

    /**
     * After a lost or failed commit answer: the branch still at {@code parent} means nothing landed (empty);
     * a new head holding exactly our files means our commit landed; any other new head is someone else's
     * commit, a conflict. An unreachable Hub counts as "not known to have landed".
     */
    private Optional<RepoRevision> landedMeanwhile(RepoId repo, String revision, String parent, List<UploadFile> files) {
        RepoRevision now;
        try {
            now = revision(repo, revision);
        } catch (HubException e) {
            if (e.isTransient()) {
                return Optional.empty();
            }
            throw e;
        }
        if (now.sha().equals(parent)) {
            return Optional.empty();
        }
        List<String> problems = mismatches(now, files);
        if (problems.isEmpty()) {
            HubHttp.LOG.warning(() -> "the commit answer was lost, but " + repo + "@" + revision + " now is "
                    + now.sha() + " with exactly the uploaded files: taking it as our commit");
            return Optional.of(now);
        }
        throw new HubException(HubException.Kind.CONFLICT, repo + "@" + revision + " moved from " + parent + " to "
                + now.sha() + " by another commit while publishing (" + String.join("; ", problems)
                + "); this upload was not committed");
    }

    /** Lists the commit and checks every file; only then is the commit reported. */
    private CommitResult confirm(RepoId repo, String revision, String oid, String url, List<UploadFile> files,
            boolean byListing) {
        RepoRevision at;
        try {
            at = revision(repo, oid);
        } catch (HubException e) {
            throw new HubException(HubException.Kind.NOT_CONFIRMED, "commit " + oid + " to " + repo + "@" + revision
                    + " could not be verified (" + e.getMessage() + "); not reported as published", e.status(), e);
        }
        List<String> problems = mismatches(at, files);
        if (!problems.isEmpty()) {
            throw new HubException(HubException.Kind.NOT_CONFIRMED, "commit " + oid + " to " + repo + "@" + revision
                    + " does not hold the uploaded files: " + String.join("; ", problems)
                    + "; not reported as published");
        }
        List<RepoFile> written = files.stream().map(f -> at.file(f.pathInRepo()).orElseThrow()).toList();
        HubHttp.LOG.info(() -> "committed " + files.size() + " file(s) to " + repo + "@" + revision + " as " + oid);
        return new CommitResult(repo, revision, oid, url, written, byListing);
    }

    /** What in {@code rev} differs from {@code files}: missing paths, sizes, digests. */
    static List<String> mismatches(RepoRevision rev, List<UploadFile> files) {
        List<String> problems = new ArrayList<>();
        for (UploadFile f : files) {
            Optional<RepoFile> listed = rev.file(f.pathInRepo());
            if (listed.isEmpty()) {
                problems.add(f.pathInRepo() + " is missing");
                continue;
            }
            RepoFile r = listed.get();
            if (r.size() >= 0 && r.size() != f.size()) {
                problems.add(f.pathInRepo() + " has " + r.size() + " bytes, expected " + f.size());
            } else if (r.lfs() ? !r.lfsSha256().equals(f.sha256())
                    : r.blobId() != null && !r.blobId().equals(f.gitBlobSha1())) {
                problems.add(f.pathInRepo() + " has other content");
            }
        }
        return problems;
    }

    // ---------------------------------------------------------------- download

    /** {@link #download(RepoId, String, String, Path, String)} without a digest known in advance. */
    public DownloadedFile download(RepoId repo, String revision, String pathInRepo, Path target) {
        return download(repo, revision, pathInRepo, target, null);
    }

    /**
     * Fetches one file into {@code target} through {@code target.part}: a dropped connection resumes from the
     * bytes already there (also across restarts), and the file is moved into place only once its size matches
     * and its content matches {@code expectedSha256} (if given), the sha256 of {@code X-Linked-Etag} (LFS
     * files) or the git blob id of the {@code ETag} (regular files). A mismatch deletes the partial file.
     */
    public DownloadedFile download(RepoId repo, String revision, String pathInRepo, Path target, String expectedSha256) {
        UploadFile.checkPath(pathInRepo);
        URI uri = http.api("/" + repo.id() + "/resolve/" + HubHttp.segment(revision) + "/" + HubHttp.path(pathInRepo));
        String what = "download of " + repo + "@" + revision + ":" + pathInRepo;
        Path part = target.resolveSibling(target.getFileName() + ".part");
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + target.getParent(), e);
        }
        boolean restarted = false;
        for (int attempt = 1; ; attempt++) {
            Fetched fetched;
            try {
                fetched = fetch(uri, part, what);
                if (fetched.expectedSize >= 0 && Files.size(part) < fetched.expectedSize) {
                    throw new IOException("connection closed at byte " + Files.size(part) + " of "
                            + fetched.expectedSize);
                }
            } catch (IOException e) {
                if (attempt >= http.config().maxAttempts()) {
                    throw http.network(what, e, attempt);
                }
                http.pause(what, "connection failure (" + HubHttp.describe(e) + "), resuming from byte " + size(part),
                        attempt);
                continue;
            } catch (ServerStatus s) {
                if (attempt >= http.config().maxAttempts()) {
                    throw http.error(what, s.reply);
                }
                http.pause(what, "HTTP " + s.reply.status(), attempt);
                continue;
            }
            String problem = verify(part, fetched, expectedSha256);
            if (problem == null) {
                try {
                    Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot move " + part + " to " + target, e);
                }
                return new DownloadedFile(target, size(target), fetched.sha256, fetched.commit, fetched.verifiedBy,
                        fetched.resumedFrom);
            }
            delete(part);
            if (fetched.resumedFrom > 0 && !restarted) {
                // the partial file may have been left by another version of the file: start over, once
                restarted = true;
                HubHttp.LOG.warning(() -> what + ": " + problem + " after resuming; downloading again from byte 0");
                attempt--;
                continue;
            }
            throw new HubException(HubException.Kind.INTEGRITY, what + ": " + problem + "; the file was discarded");
        }
    }

    /** What one GET brought: the announced size and digests, and what was written. */
    private static final class Fetched {
        long expectedSize = -1;
        String commit;
        String linkedSha256;
        String gitSha1;
        long resumedFrom;
        String sha256;
        String verifiedBy;
    }

    /** A 5xx/429 answer to a download: retried like a connection failure. */
    private static final class ServerStatus extends Exception {
        final transient HubHttp.Reply reply;

        ServerStatus(HubHttp.Reply reply) {
            super("HTTP " + reply.status(), null, false, false);
            this.reply = reply;
        }
    }

    private Fetched fetch(URI uri, Path part, String what) throws IOException, ServerStatus {
        long have = size(part);
        Map<String, String> range = have > 0 ? Map.of("Range", "bytes=" + have + "-") : Map.of();
        HubHttp.Call call = new HubHttp.Call("GET", uri, Map.of("Accept-Encoding", "identity"), null, true);
        AtomicReference<FileSink> sink = new AtomicReference<>();
        long started = System.nanoTime();
        // Only the content of a 200, or of a 206 starting where the partial file ends, goes into the file.
        HttpResponse.BodyHandler<Object> handler = info -> {
            int st = info.statusCode();
            boolean rangeOk = st == 206 && rangeStart(info.headers()) == have;
            if (st == 200 || rangeOk) {
                try {
                    FileSink s = new FileSink(part, rangeOk);
                    sink.set(s);
                    return HttpResponse.BodySubscribers.mapping(s, n -> (Object) n);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write " + part, e);
                }
            }
            return HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofByteArray(), b -> (Object) b);
        };
        HubHttp.Exchange<Object> ex;
        try {
            ex = http.exchange(call, handler, range, () -> sink.get() == null ? started : sink.get().lastActivity());
        } catch (IOException | RuntimeException e) {
            if (sink.get() != null) {
                sink.get().abort(); // no late bytes of this exchange may land in the file the next attempt resumes
            }
            throw e;
        }
        HttpResponse<Object> response = ex.response();
        int status = response.statusCode();
        Fetched f = new Fetched();
        HttpHeaders hub = ex.hubHeaders();
        f.commit = hub.firstValue("X-Repo-Commit").orElse(null);
        String linked = etag(hub.firstValue("X-Linked-Etag").orElse(null));
        String etag = etag(hub.firstValue("ETag").orElse(null));
        f.linkedSha256 = linked != null && SHA256.matcher(linked).matches() ? linked
                : etag != null && SHA256.matcher(etag).matches() ? etag : null;
        f.gitSha1 = linked == null && etag != null && SHA1.matcher(etag).matches() ? etag : null;
        f.expectedSize = hub.firstValueAsLong("X-Linked-Size").orElse(-1);
        String contentRange = response.headers().firstValue("Content-Range").orElse("");
        if (status == 416 && have > 0) {
            // nothing after byte `have`: the partial file is complete, verify it
            if (f.expectedSize < 0 && contentRange.matches("bytes \\*/\\d+")) {
                f.expectedSize = Long.parseLong(contentRange.substring("bytes */".length()));
            }
            f.resumedFrom = have;
            return f;
        }
        if (status != 200 && status != 206) {
            byte[] body = response.body() instanceof byte[] b ? b : new byte[0];
            HubHttp.Reply reply = new HubHttp.Reply(status, response.headers(), body, response.uri());
            if (HubHttp.retryable(status)) {
                throw new ServerStatus(reply);
            }
            throw http.error(what, reply);
        }
        if (sink.get() == null) {
            delete(part); // a 206 for another range than asked: start over on the next attempt
            throw new IOException("the server answered another range than bytes=" + have + "-");
        }
        Matcher m = CONTENT_RANGE.matcher(contentRange);
        if (status == 206 && f.expectedSize < 0 && m.matches() && !m.group(3).equals("*")) {
            f.expectedSize = Long.parseLong(m.group(3));
        } else if (status == 200 && f.expectedSize < 0) {
            f.expectedSize = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        }
        f.resumedFrom = status == 206 ? have : 0;
        return f;
    }

    /** The first byte of a {@code Content-Range: bytes a-b/n} answer, -1 when absent or malformed. */
    private static long rangeStart(HttpHeaders headers) {
        Matcher m = CONTENT_RANGE.matcher(headers.firstValue("Content-Range").orElse(""));
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    /** Null when the file is good; else what is wrong with it. Fills in the digest and what it was checked against. */
    private static String verify(Path part, Fetched f, String expectedSha256) {
        long size = size(part);
        if (f.expectedSize >= 0 && size != f.expectedSize) {
            return "size " + size + " bytes, the Hub announced " + f.expectedSize;
        }
        f.sha256 = Digests.sha256(part);
        if (expectedSha256 != null && !expectedSha256.equalsIgnoreCase(f.sha256)) {
            return "sha256 " + f.sha256 + ", expected " + expectedSha256.toLowerCase(Locale.ROOT);
        }
        if (f.linkedSha256 != null) {
            f.verifiedBy = "lfs-sha256";
            return f.linkedSha256.equals(f.sha256) ? null
                    : "sha256 " + f.sha256 + ", the Hub announced " + f.linkedSha256;
        }
        if (f.gitSha1 != null) {
            f.verifiedBy = "git-blob-sha1";
            String actual = UploadFile.GitBlob.sha1(part);
            return f.gitSha1.equals(actual) ? null : "git blob id " + actual + ", the Hub announced " + f.gitSha1;
        }
        f.verifiedBy = expectedSha256 != null ? "sha256" : "size-only";
        return null;
    }

    /** An ETag without {@code W/} and quotes, lower case. */
    private static String etag(String raw) {
        if (raw == null) {
            return null;
        }
        String s = raw.strip();
        if (s.startsWith("W/")) {
            s = s.substring(2);
        }
        if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
            s = s.substring(1, s.length() - 1);
        }
        return s.isEmpty() ? null : s.toLowerCase(Locale.ROOT);
    }

    // ---------------------------------------------------------------- helpers

    private void requireToken(String what) {
        if (http.config().token().isEmpty()) {
            throw new HubException(HubException.Kind.UNAUTHORIZED, what + " needs a Hub token (none is configured)");
        }
    }

    private static long size(Path p) {
        try {
            return Files.exists(p) ? Files.size(p) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort: a leftover partial file is verified before it is ever used
        }
    }
}
