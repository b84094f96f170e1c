package io.lorastream.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An in-JVM stand-in for the Hugging Face Hub: the subset of its HTTP API that lorastream uses, for model
 * repositories, with an in-memory git-like store (commits with parents, branches, LFS objects).
 * <ul>
 *   <li>{@code GET /api/whoami-v2}, {@code POST /api/repos/create} (409 when it exists);</li>
 *   <li>{@code GET /api/models/{repo}/revision/{rev}[?blobs=true]} (sha, siblings with size, blobId, lfs);</li>
 *   <li>{@code POST /api/models/{repo}/preupload/{rev}} (lfs for weights, binary or large files);</li>
 *   <li>{@code POST /{repo}.git/info/lfs/objects/batch}, answered with actions on a second server playing the
 *       storage (pre-signed PUT, multipart, verify, CDN downloads), so that requests to it are on another
 *       origin, as on the real Hub;</li>
 *   <li>{@code POST /api/models/{repo}/commit/{rev}} (NDJSON: header, file base64, lfsFile, deletedFile;
 *       {@code parentCommit} checked: 412 when the branch moved);</li>
 *   <li>{@code GET|HEAD /{repo}/resolve/{rev}/{path}}: regular files with {@code ETag} = git blob id, LFS files
 *       as a 302 to storage with {@code X-Linked-Etag} (sha256) and {@code X-Linked-Size}; {@code X-Repo-Commit};
 *       {@code Range} requests.</li>
 * </ul>
 * Auth as the Hub does it: {@code Authorization: Bearer <token>}; a wrong token gets 401 on every call, a
 * missing one may read public repositories only; a private or missing repository reads as 401/404 with
 * {@code X-Error-Code: RepoNotFound}. Every request is recorded with its headers (the Authorization value
 * replaced by {@code <redacted>}) and body, for exact assertions; {@link #failNext} injects faults.
 */
public final class FakeHubServer implements AutoCloseable {

    /** Faults to inject into the next matching request(s). */
    public enum Fault {
        /** Read part of the request body, then close the connection without an answer. */
        DROP_CONNECTION,
        /** Apply the request (e.g. a commit), then close the connection without an answer. */
        DROP_AFTER_APPLY,
        /** Send the answer's headers and half its body, then close (downloads). */
        DROP_MID_BODY,
        /** Answer 503. */
        SERVER_ERROR,
        /** Answer 401 as for a wrong token. */
        UNAUTHORIZED,
        /** Another writer commits {@code CONCURRENT.md} to the branch of this commit request just before it. */
        CONCURRENT_COMMIT
    }

    /**
     * A request as the server saw it.
     *
     * @param origin {@code hub} or {@code storage}
     * @param path the raw path with the query string
     * @param headers lower-case names; the Authorization value is {@code <redacted>}
     * @param authorized whether it carried {@code Bearer <the server's token>}
     * @param fault the fault injected into it, null when none
     */
    public record RecordedRequest(String origin, String method, String path, Map<String, List<String>> headers,
            boolean authorized, byte[] body, Fault fault) {
        public Optional<String> header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
        }

        public boolean hasAuthorization() {
            return headers.containsKey("authorization");
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The body as NDJSON: one JSON object per non-empty line. */
        public List<JsonNode> ndjson() {
            List<JsonNode> out = new ArrayList<>();
            for (String line : bodyText().split("\n")) {
                if (!line.isBlank()) {
                    out.add(readJson(line.getBytes(StandardCharsets.UTF_8)));
                }
            }
            return out;
        }

        public JsonNode json() {
            return readJson(body);
        }

        @Override
        public String toString() {
            return origin + " " + method + " " + path + (fault == null ? "" : " [" + fault + "]");
        }
    }

    private record FaultRule(String method, Pattern path, Fault fault, int[] remaining) {}

    private record Blob(byte[] content, String lfsOid) {}

    private record Commit(String sha, String parent, Map<String, Blob> tree, String summary, Instant at) {}

    private static final class Repo {
        final String id;
        final boolean privateRepo;
        final Map<String, String> branches = new TreeMap<>();
        final Map<String, Commit> commits = new LinkedHashMap<>();

        Repo(String id, boolean privateRepo) {
            this.id = id;
            this.privateRepo = privateRepo;
        }
    }

    /** Thrown by handlers to answer with the Hub's error shape. */
    private static final class HubError extends RuntimeException {
        final int status;
        final String code;

        HubError(int status, String code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }
    }

    /**
     * Thrown out of a handler to drop the connection: the JDK server closes the connection of a handler that
     * throws, whereas closing an exchange with unsent bytes may leave it open.
     */
    private static final class InjectedDrop extends RuntimeException {
        InjectedDrop() {
            super("connection dropped by an injected fault", null, false, false);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern REPO_API = Pattern.compile("/api/models/([^/]+)/([^/]+)/(revision|preupload|commit)/(.+)");
    private static final Pattern LFS_BATCH = Pattern.compile("/([^/]+)/([^/]+)\\.git/info/lfs/objects/batch");
    private static final Pattern RESOLVE = Pattern.compile("/([^/]+)/([^/]+)/resolve/([^/]+)/(.+)");
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");
    private static final String GITATTRIBUTES = "*.bin filter=lfs diff=lfs merge=lfs -text\n"
            + "*.pt filter=lfs diff=lfs merge=lfs -text\n"
            + "*.safetensors filter=lfs diff=lfs merge=lfs -text\n";

    private final String token;
    private final String user;
    private final Set<String> orgs;
    private final HttpServer hub;
    private final HttpServer storage;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-hub");
        t.setDaemon(true);
        return t;
    });
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final List<FaultRule> faults = new CopyOnWriteArrayList<>();
    private final Map<String, Repo> repos = new TreeMap<>();
    private final Map<String, byte[]> lfsObjects = new TreeMap<>();
    private final Map<String, Map<Integer, byte[]>> lfsParts = new TreeMap<>();
    private final String uploadSignature = UUID.randomUUID().toString();
    private final AtomicLong commitCounter = new AtomicLong();
    private volatile long lfsThreshold = 10L << 20;
    private volatile long multipartChunkSize = -1;

    /**
     * Starts a Hub on 127.0.0.1 (a free port) whose only valid token is {@code token}, owned by {@code user},
     * who may also write to the organizations {@code orgs}.
     */
    public FakeHubServer(String token, String user, String... orgs) {
        this.token = token;
        this.user = user;
        this.orgs = Set.of(orgs);
        try {
            InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
            hub = HttpServer.create(loopback, 0);
            storage = HttpServer.create(loopback, 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the fake Hub", e);
        }
        hub.createContext("/", ex -> handle("hub", ex));
        storage.createContext("/", ex -> handle("storage", ex));
        hub.setExecutor(executor);
        storage.setExecutor(executor);
        hub.start();
        storage.start();
    }

    /** The Hub endpoint, e.g. {@code http://127.0.0.1:41234}. */
    public String url() {
        return "http://" + hub.getAddress().getAddress().getHostAddress() + ":" + hub.getAddress().getPort();
    }

    /** The storage origin the LFS actions and download redirects point to. */
    public String storageUrl() {
        return "http://" + storage.getAddress().getAddress().getHostAddress() + ":" + storage.getAddress().getPort();
    }

    @Override
    public void close() {
        hub.stop(0);
        storage.stop(0);
        executor.shutdownNow();
    }

    // ---------------------------------------------------------------- test controls

    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    /** Recorded requests with this method whose path (without query) matches {@code pathRegex}. */
    public List<RecordedRequest> requests(String method, String pathRegex) {
        Pattern p = Pattern.compile(pathRegex);
        return requests.stream().filter(r -> r.method().equals(method))
                .filter(r -> p.matcher(r.path().split("\\?", 2)[0]).matches()).toList();
    }

    public void clearRequests() {
        requests.clear();
    }

    /** The next {@code times} requests with this method whose raw path matches {@code pathRegex} get {@code fault}. */
    public void failNext(String method, String pathRegex, Fault fault, int times) {
        faults.add(new FaultRule(method, Pattern.compile(pathRegex), fault, new int[] {times}));
    }

    /** Files larger than this go through LFS (the Hub's is 10 MiB); weights always do. */
    public void lfsThreshold(long bytes) {
        this.lfsThreshold = bytes;
    }

    /** LFS objects larger than this are uploaded in parts of this size; -1 (default) for single PUTs. */
    public void multipartChunkSize(long bytes) {
        this.multipartChunkSize = bytes;
    }

    /** Creates a repository directly (no request recorded); returns its initial commit sha. */
    public synchronized String createRepo(String id, boolean privateRepo) {
        Repo r = new Repo(id, privateRepo);
        repos.put(id, r);
        Map<String, Blob> tree = new TreeMap<>();
        tree.put(".gitattributes", new Blob(GITATTRIBUTES.getBytes(StandardCharsets.UTF_8), null));
        return addCommit(r, "main", null, tree, "initial commit");
    }

    /** Commits regular files directly (no request recorded); returns the new head. */
    public synchronized String commitFiles(String id, String branch, Map<String, byte[]> files) {
        Repo r = repo(id);
        String parent = r.branches.get(branch);
        Map<String, Blob> tree = new TreeMap<>(r.commits.get(parent).tree());
        files.forEach((p, c) -> tree.put(p, new Blob(c.clone(), null)));
        return addCommit(r, branch, parent, tree, "direct commit");
    }

    public synchronized boolean hasRepo(String id) {
        return repos.containsKey(id);
    }

    public synchronized boolean isPrivate(String id) {
        return repo(id).privateRepo;
    }

    /** The head commit of a branch. */
    public synchronized String head(String id, String branch) {
        return repo(id).branches.get(branch);
    }

    /** Every commit sha of the repository, oldest first. */
    public synchronized List<String> commits(String id) {
        return List.copyOf(repo(id).commits.keySet());
    }

    /** The content of {@code path} at {@code revision}, empty when absent. */
    public synchronized Optional<byte[]> file(String id, String revision, String path) {
        Repo r = repo(id);
        Commit c = r.commits.get(r.branches.getOrDefault(revision, revision));
        Blob b = c == null ? null : c.tree().get(path);
        return b == null ? Optional.empty() : Optional.of(b.content().clone());
    }

    /** Whether {@code path} is stored through LFS at {@code revision}. */
    public synchronized boolean isLfs(String id, String revision, String path) {
        Repo r = repo(id);
        Blob b = r.commits.get(r.branches.getOrDefault(revision, revision)).tree().get(path);
        return b != null && b.lfsOid() != null;
    }

    /** Replaces the bytes behind an LFS object, so that downloads no longer match its sha256. */
    public synchronized void corruptLfsObject(String oid) {
        byte[] b = lfsObjects.get(oid);
        if (b == null) {
            throw new IllegalArgumentException("no LFS object " + oid);
        }
        byte[] c = b.clone();
        c[c.length / 2] ^= 0x5A;
        lfsObjects.put(oid, c);
    }

    public synchronized Set<String> lfsOids() {
        return Set.copyOf(lfsObjects.keySet());
    }

    private Repo repo(String id) {
        Repo r = repos.get(id);
        if (r == null) {
            throw new IllegalArgumentException("no repository " + id);
        }
        return r;
    }

    // ---------------------------------------------------------------- dispatch

    private void handle(String origin, HttpExchange ex) {
        try (ex) {
            String method = ex.getRequestMethod();
            String rawPath = ex.getRequestURI().getRawPath();
            String query = ex.getRequestURI().getRawQuery();
            Fault fault = takeFault(method, rawPath);
            byte[] body;
            if (fault == Fault.DROP_CONNECTION) {
                body = readSome(ex.getRequestBody());
                record(origin, ex, rawPath, query, body, fault);
                throw new InjectedDrop();
            }
            body = ex.getRequestBody().readAllBytes();
            record(origin, ex, rawPath, query, body, fault);
            if (fault == Fault.SERVER_ERROR) {
                sendError(ex, new HubError(503, null, "Service Unavailable (injected)"));
                return;
            }
            if (fault == Fault.UNAUTHORIZED) {
                sendError(ex, new HubError(401, null, "Invalid credentials in Authorization header (injected)"));
                return;
            }
            if (fault == Fault.CONCURRENT_COMMIT) {
                Matcher m = REPO_API.matcher(rawPath);
                if (m.matches()) {
                    commitFiles(m.group(1) + "/" + m.group(2), decode(m.group(4)),
                            Map.of("CONCURRENT.md", "another writer\n".getBytes(StandardCharsets.UTF_8)));
                }
            }
            try {
                Answer answer = origin.equals("hub") ? hubRoute(ex, method, rawPath, query, body)
                        : storageRoute(ex, method, rawPath, body);
                if (fault == Fault.DROP_AFTER_APPLY) {
                    throw new InjectedDrop();
                }
                send(ex, answer, fault == Fault.DROP_MID_BODY);
            } catch (HubError e) {
                sendError(ex, e);
            }
        } catch (IOException e) {
            // the client went away: nothing to answer
        } catch (InjectedDrop e) {
            throw e;
        } catch (RuntimeException e) {
            try {
                sendError(ex, new HubError(500, null, "fake Hub failure: " + e));
            } catch (IOException ignored) {
                // connection already gone
            }
        }
    }

    private Fault takeFault(String method, String rawPath) {
        for (FaultRule f : faults) {
            if (f.method().equals(method) && f.path().matcher(rawPath).matches()) {
                synchronized (f) {
                    if (f.remaining()[0] > 0) {
                        f.remaining()[0]--;
                        return f.fault();
                    }
                }
            }
        }
        return null;
    }

    private static byte[] readSome(InputStream in) throws IOException {
        byte[] buf = new byte[256];
        int n = in.read(buf);
        return n <= 0 ? new byte[0] : java.util.Arrays.copyOf(buf, n);
    }

    private void record(String origin, HttpExchange ex, String rawPath, String query, byte[] body, Fault fault) {
        Map<String, List<String>> headers = new TreeMap<>();
        ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT),
                k.equalsIgnoreCase("Authorization") ? List.of("<redacted>") : List.copyOf(v)));
        requests.add(new RecordedRequest(origin, ex.getRequestMethod(), rawPath + (query == null ? "" : "?" + query),
                headers, authorized(ex), body, fault));
    }

    /** An answer: status, headers, body. */
    private record Answer(int status, Map<String, String> headers, byte[] body) {
        static Answer json(int status, Object value) {
            try {
                return new Answer(status, Map.of("Content-Type", "application/json"), JSON.writeValueAsBytes(value));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static void send(HttpExchange ex, Answer a, boolean dropMidBody) throws IOException {
        Headers h = ex.getResponseHeaders();
        a.headers().forEach(h::set);
        boolean head = ex.getRequestMethod().equals("HEAD");
        if (head) {
            h.set("Content-Length", Integer.toString(a.body().length));
            ex.sendResponseHeaders(a.status(), -1);
            return;
        }
        ex.sendResponseHeaders(a.status(), a.body().length == 0 ? -1 : a.body().length);
        if (a.body().length > 0) {
            OutputStream out = ex.getResponseBody();
            if (dropMidBody) {
                out.write(a.body(), 0, a.body().length / 2);
                out.flush();
                throw new InjectedDrop(); // half of the announced bytes, then the connection goes
            }
            out.write(a.body());
            out.close();
        }
    }

    private static void sendError(HttpExchange ex, HubError e) throws IOException {
        Headers h = ex.getResponseHeaders();
        if (e.code != null) {
            h.set("X-Error-Code", e.code);
        }
        h.set("X-Error-Message", e.getMessage());
        send(ex, Answer.json(e.status, Map.of("error", e.getMessage())), false);
    }

    // ---------------------------------------------------------------- auth

    private boolean authorized(HttpExchange ex) {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        return auth != null && auth.equals("Bearer " + token);
    }

    /** A wrong token fails every call; no token is anonymous. Returns whether the caller is the user. */
    private boolean authenticate(HttpExchange ex) {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth == null) {
            return false;
        }
        if (!authorized(ex)) {
            throw new HubError(401, null, "Invalid credentials in Authorization header");
        }
        return true;
    }

    private Repo readable(HttpExchange ex, String id) {
        boolean user = authenticate(ex);
        Repo r = repos.get(id);
        if (r == null || (r.privateRepo && !user)) {
            int status = user ? 404 : 401;
            throw new HubError(status, "RepoNotFound", "Repository Not Found for url: " + ex.getRequestURI()
                    + ". Please make sure you specified the correct `repo_id` and `repo_type`. If you are trying to "
                    + "access a private or gated repo, make sure you are authenticated.");
        }
        return r;
    }

    private Repo writable(HttpExchange ex, String id) {
        if (!authenticate(ex)) {
            throw new HubError(401, null, "Authorization header is required for this operation");
        }
        Repo r = readable(ex, id);
        checkNamespace(id.substring(0, id.indexOf('/')));
        return r;
    }

    private void checkNamespace(String owner) {
        if (!owner.equals(user) && !orgs.contains(owner)) {
            throw new HubError(403, null, "You don't have the rights to create a model under the namespace \""
                    + owner + "\"");
        }
    }

    // ---------------------------------------------------------------- hub routes

    private Answer hubRoute(HttpExchange ex, String method, String rawPath, String query, byte[] body) {
        synchronized (this) {
            if (method.equals("GET") && rawPath.equals("/api/whoami-v2")) {
                if (!authenticate(ex)) {
                    throw new HubError(401, null, "Invalid username or password.");
                }
                return whoami();
            }
            if (method.equals("POST") && rawPath.equals("/api/repos/create")) {
                return createRepoRequest(ex, readJson(body));
            }
            Matcher m = REPO_API.matcher(rawPath);
            if (m.matches()) {
                String id = m.group(1) + "/" + m.group(2);
                String rev = decode(m.group(4));
                switch (m.group(3) + " " + method) {
                    case "revision GET":
                        return revisionInfo(readable(ex, id), rev, query != null && query.contains("blobs=true"));
                    case "preupload POST":
                        return preupload(writable(ex, id), rev, readJson(body));
                    case "commit POST":
                        return commit(ex, writable(ex, id), rev, body);
                    default:
                        break;
                }
            }
            m = LFS_BATCH.matcher(rawPath);
            if (m.matches() && method.equals("POST")) {
                return lfsBatch(ex, writable(ex, m.group(1) + "/" + m.group(2)), readJson(body));
            }
            m = RESOLVE.matcher(rawPath);
            if (m.matches() && (method.equals("GET") || method.equals("HEAD"))) {
                Repo r = readable(ex, m.group(1) + "/" + m.group(2));
                return resolve(ex, r, decode(m.group(3)), decodePath(m.group(4)));
            }
        }
        throw new HubError(404, null, "Sorry, we can't find the page you are looking for (" + method + " " + rawPath + ")");
    }

    private Answer whoami() {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", "user");
        n.put("id", "u-" + user);
        n.put("name", user);
        n.put("fullname", user);
        ArrayNode o = n.putArray("orgs");
        orgs.forEach(org -> o.addObject().put("name", org).put("type", "org"));
        ObjectNode auth = n.putObject("auth");
        auth.put("type", "access_token");
        auth.putObject("accessToken").put("displayName", "lorastream-test").put("role", "write");
        return Answer.json(200, n);
    }

    private Answer createRepoRequest(HttpExchange ex, JsonNode req) {
        if (!authenticate(ex)) {
            throw new HubError(401, null, "You must be authenticated to create a repository");
        }
        String type = req.path("type").asText("model");
        if (!type.equals("model")) {
            throw new HubError(400, null, "this fake Hub only holds model repositories, not " + type);
        }
        String name = req.path("name").asText("");
        String owner = req.hasNonNull("organization") ? req.get("organization").asText() : user;
        if (name.isEmpty() || name.contains("/")) {
            throw new HubError(400, null, "\"name\" must be a repository name without namespace");
        }
        checkNamespace(owner);
        String id = owner + "/" + name;
        if (repos.containsKey(id)) {
            throw new HubError(409, null, "You already created this model repo");
        }
        createRepo(id, req.path("private").asBoolean(false));
        return Answer.json(200, Map.of("url", url() + "/" + id, "name", id, "id", id));
    }

    private Commit commitAt(Repo r, String rev) {
        String sha = r.branches.containsKey(rev) ? r.branches.get(rev) : r.commits.containsKey(rev) ? rev : null;
        if (sha == null) {
            throw new HubError(404, "RevisionNotFound", "Invalid rev id: " + rev);
        }
        return r.commits.get(sha);
    }

    private Answer revisionInfo(Repo r, String rev, boolean blobs) {
        Commit c = commitAt(r, rev);
        ObjectNode n = JSON.createObjectNode();
        n.put("_id", "m-" + r.id);
        n.put("id", r.id);
        n.put("modelId", r.id);
        n.put("private", r.privateRepo);
        n.put("sha", c.sha());
        n.put("lastModified", c.at().toString());
        ArrayNode siblings = n.putArray("siblings");
        c.tree().forEach((path, blob) -> {
            ObjectNode s = siblings.addObject();
            s.put("rfilename", path);
            if (blobs) {
                s.put("size", blob.content().length);
                if (blob.lfsOid() != null) {
                    byte[] pointer = lfsPointer(blob.lfsOid(), blob.content().length);
                    s.put("blobId", gitBlobSha1(pointer));
                    s.putObject("lfs").put("sha256", blob.lfsOid()).put("size", blob.content().length)
                            .put("pointerSize", pointer.length);
                } else {
                    s.put("blobId", gitBlobSha1(blob.content()));
                }
            }
        });
        return Answer.json(200, n);
    }

    private Answer preupload(Repo r, String rev, JsonNode req) {
        Commit c = commitAt(r, rev);
        ArrayNode out = JSON.createArrayNode();
        for (JsonNode f : req.path("files")) {
            String path = f.path("path").asText();
            long size = f.path("size").asLong(-1);
            byte[] sample = Base64.getDecoder().decode(f.path("sample").asText(""));
            boolean binary = false;
            for (byte b : sample) {
                binary |= b == 0;
            }
            boolean lfs = path.endsWith(".safetensors") || path.endsWith(".bin") || path.endsWith(".pt")
                    || size > lfsThreshold || binary;
            out.addObject().put("path", path).put("uploadMode", lfs ? "lfs" : "regular").put("shouldIgnore", false);
        }
        ObjectNode n = JSON.createObjectNode();
        n.set("files", out);
        n.put("commitOid", c.sha());
        return Answer.json(200, n);
    }

    private Answer commit(HttpExchange ex, Repo r, String rev, byte[] body) {
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.startsWith("application/x-ndjson")) {
            throw new HubError(400, null, "this fake Hub takes commits as application/x-ndjson, not " + type);
        }
        if (!r.branches.containsKey(rev)) {
            throw new HubError(404, "RevisionNotFound", "Invalid rev id: " + rev + " (commits go to a branch)");
        }
        String head = r.branches.get(rev);
        Map<String, Blob> tree = new TreeMap<>(r.commits.get(head).tree());
        String[] lines = new String(body, StandardCharsets.UTF_8).split("\n");
        JsonNode header = null;
        int operations = 0;
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode n = readJson(line.getBytes(StandardCharsets.UTF_8));
            String key = n.path("key").asText();
            JsonNode v = n.path("value");
            if (header == null && !key.equals("header")) {
                throw new HubError(400, null, "the first line of a commit must be its header");
            }
            switch (key) {
                case "header" -> {
                    if (header != null) {
                        throw new HubError(400, null, "two header lines");
                    }
                    header = v;
                }
                case "file" -> {
                    if (!v.path("encoding").asText().equals("base64")) {
                        throw new HubError(400, null, "file " + v.path("path").asText() + ": encoding must be base64");
                    }
                    byte[] content;
                    try {
                        content = Base64.getDecoder().decode(v.path("content").asText());
                    } catch (IllegalArgumentException e) {
                        throw new HubError(400, null, "file " + v.path("path").asText() + ": content is not base64");
                    }
                    tree.put(checkPath(v.path("path").asText()), new Blob(content, null));
                    operations++;
                }
                case "lfsFile" -> {
                    String oid = v.path("oid").asText();
                    byte[] content = lfsObjects.get(oid);
                    if (!v.path("algo").asText().equals("sha256") || content == null
                            || content.length != v.path("size").asLong(-1)) {
                        throw new HubError(422, null, "Your push was rejected because an LFS pointer pointed to a "
                                + "file that does not exist (" + v.path("path").asText() + ")");
                    }
                    tree.put(checkPath(v.path("path").asText()), new Blob(content, oid));
                    operations++;
                }
                case "deletedFile" -> {
                    if (tree.remove(v.path("path").asText()) == null) {
                        throw new HubError(404, "EntryNotFound", v.path("path").asText() + " does not exist");
                    }
                    operations++;
                }
                default -> throw new HubError(400, null, "unknown commit operation '" + key + "'");
            }
        }
        if (header == null || header.path("summary").asText("").isBlank()) {
            throw new HubError(400, null, "a commit needs a header with a summary");
        }
        if (operations == 0) {
            throw new HubError(400, null, "no files in the commit");
        }
        if (header.hasNonNull("parentCommit") && !header.get("parentCommit").asText().equals(head)) {
            throw new HubError(412, null, "A commit has happened since. Please refresh and try again.");
        }
        String sha = addCommit(r, rev, head, tree, header.path("summary").asText());
        return Answer.json(200, Map.of("success", true, "commitOid", sha, "commitUrl", url() + "/" + r.id
                + "/commit/" + sha, "hookOutput", ""));
    }

    private String addCommit(Repo r, String branch, String parent, Map<String, Blob> tree, String summary) {
        String sha = HexFormat.of().formatHex(digest("SHA-1", (r.id + "\n" + parent + "\n" + summary + "\n"
                + commitCounter.incrementAndGet() + "\n" + System.nanoTime()).getBytes(StandardCharsets.UTF_8)));
        r.commits.put(sha, new Commit(sha, parent, new TreeMap<>(tree), summary, Instant.now()));
        r.branches.put(branch, sha);
        return sha;
    }

    private Answer lfsBatch(HttpExchange ex, Repo r, JsonNode req) {
        String accept = ex.getRequestHeaders().getFirst("Accept");
        if (accept == null || !accept.contains("application/vnd.git-lfs+json")) {
            throw new HubError(406, null, "LFS batch calls must accept application/vnd.git-lfs+json");
        }
        if (!req.path("operation").asText().equals("upload")) {
            throw new HubError(400, null, "this fake Hub implements the upload operation only");
        }
        boolean multipartOffered = false;
        for (JsonNode t : req.path("transfers")) {
            multipartOffered |= t.asText().equals("multipart");
        }
        ObjectNode n = JSON.createObjectNode();
        ArrayNode objects = n.putArray("objects");
        boolean anyMultipart = false;
        for (JsonNode o : req.path("objects")) {
            String oid = o.path("oid").asText();
            long size = o.path("size").asLong();
            ObjectNode obj = objects.addObject().put("oid", oid).put("size", size).put("authenticated", true);
            if (!oid.matches("[0-9a-f]{64}")) {
                obj.putObject("error").put("code", 422).put("message", "oid must be a sha256");
                continue;
            }
            if (lfsObjects.containsKey(oid)) {
                continue; // already stored: no actions
            }
            ObjectNode actions = obj.putObject("actions");
            ObjectNode upload = actions.putObject("upload");
            ObjectNode header = upload.putObject("header");
            header.put("X-Upload-Signature", uploadSignature);
            if (multipartOffered && multipartChunkSize > 0 && size > multipartChunkSize) {
                anyMultipart = true;
                upload.put("href", storageUrl() + "/upload/" + oid + "/complete?sig=" + uploadSignature);
                header.put("chunk_size", Long.toString(multipartChunkSize));
                long parts = (size + multipartChunkSize - 1) / multipartChunkSize;
                for (int p = 1; p <= parts; p++) {
                    header.put(Integer.toString(p), storageUrl() + "/upload/" + oid + "/part/" + p + "?sig="
                            + uploadSignature);
                }
            } else {
                upload.put("href", storageUrl() + "/upload/" + oid);
            }
            ObjectNode verify = actions.putObject("verify");
            verify.put("href", storageUrl() + "/verify/" + r.id);
            verify.putObject("header").put("X-Upload-Signature", uploadSignature);
        }
        n.put("transfer", anyMultipart ? "multipart" : "basic");
        n.put("hash_algo", "sha256");
        try {
            return new Answer(200, Map.of("Content-Type", "application/vnd.git-lfs+json"), JSON.writeValueAsBytes(n));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Answer resolve(HttpExchange ex, Repo r, String rev, String path) {
        Commit c = commitAt(r, rev);
        Blob b = c.tree().get(path);
        if (b == null) {
            throw new HubError(404, "EntryNotFound", path + " does not exist on \"" + rev + "\"");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Repo-Commit", c.sha());
        if (b.lfsOid() != null) {
            headers.put("ETag", "\"" + b.lfsOid() + "\"");
            headers.put("X-Linked-Etag", "\"" + b.lfsOid() + "\"");
            headers.put("X-Linked-Size", Long.toString(b.content().length));
            headers.put("Location", storageUrl() + "/cdn/" + b.lfsOid() + "?sig=" + uploadSignature);
            byte[] text = ("Found. Redirecting to " + headers.get("Location")).getBytes(StandardCharsets.UTF_8);
            return new Answer(302, headers, text);
        }
        headers.put("ETag", "\"" + gitBlobSha1(b.content()) + "\"");
        return ranged(ex, headers, b.content());
    }

    // ---------------------------------------------------------------- storage routes

    private Answer storageRoute(HttpExchange ex, String method, String rawPath, byte[] body) {
        if (ex.getRequestHeaders().containsKey("Authorization")) {
            // pre-signed URLs refuse a second credential, as S3 does
            throw new HubError(400, null, "Only one auth mechanism allowed; the Hub token must not reach storage");
        }
        String query = ex.getRequestURI().getRawQuery();
        boolean signed = uploadSignature.equals(ex.getRequestHeaders().getFirst("X-Upload-Signature"))
                || (query != null && query.equals("sig=" + uploadSignature));
        if (!signed) {
            throw new HubError(403, null, "SignatureDoesNotMatch");
        }
        synchronized (this) {
            String[] p = rawPath.substring(1).split("/");
            if (method.equals("PUT") && p.length == 2 && p[0].equals("upload")) {
                if (!sha256(body).equals(p[1])) {
                    throw new HubError(400, null, "the body does not hash to " + p[1]);
                }
                lfsObjects.put(p[1], body);
                return new Answer(200, Map.of("ETag", "\"" + p[1] + "\""), new byte[0]);
            }
            if (method.equals("PUT") && p.length == 4 && p[0].equals("upload") && p[2].equals("part")) {
                lfsParts.computeIfAbsent(p[1], k -> new TreeMap<>()).put(Integer.parseInt(p[3]), body);
                return new Answer(200, Map.of("ETag", "\"" + sha256(body).substring(0, 32) + "\""), new byte[0]);
            }
            if (method.equals("POST") && p.length == 3 && p[0].equals("upload") && p[2].equals("complete")) {
                return completeMultipart(p[1], readJson(body));
            }
            if (method.equals("POST") && p.length == 3 && p[0].equals("verify")) {
                JsonNode v = readJson(body);
                byte[] stored = lfsObjects.get(v.path("oid").asText());
                if (stored == null || stored.length != v.path("size").asLong(-1)) {
                    throw new HubError(404, null, "object " + v.path("oid").asText() + " not stored");
                }
                return Answer.json(200, Map.of("message", "verified"));
            }
            if ((method.equals("GET") || method.equals("HEAD")) && p.length == 2 && p[0].equals("cdn")) {
                byte[] content = lfsObjects.get(p[1]);
                if (content == null) {
                    throw new HubError(404, null, "NoSuchKey");
                }
                return ranged(ex, Map.of("ETag", "\"" + p[1] + "\""), content);
            }
        }
        throw new HubError(404, null, "no storage route " + method + " " + rawPath);
    }

    private Answer completeMultipart(String oid, JsonNode req) {
        Map<Integer, byte[]> parts = lfsParts.remove(oid);
        if (parts == null) {
            throw new HubError(400, null, "no parts uploaded for " + oid);
        }
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        int expected = 1;
        for (JsonNode part : req.path("parts")) {
            int n = part.path("partNumber").asInt();
            byte[] b = parts.get(n);
            String etag = "\"" + (b == null ? "" : sha256(b).substring(0, 32)) + "\"";
            if (n != expected++ || b == null || !part.path("etag").asText().equals(etag)) {
                throw new HubError(400, null, "InvalidPart " + n);
            }
            all.writeBytes(b);
        }
        byte[] content = all.toByteArray();
        if (!sha256(content).equals(oid) || !req.path("oid").asText().equals(oid)) {
            throw new HubError(400, null, "the assembled parts do not hash to " + oid);
        }
        lfsObjects.put(oid, content);
        return Answer.json(200, Map.of("message", "completed"));
    }

    /** A 200, or a 206/416 for a {@code Range: bytes=N-[M]} request. */
    private static Answer ranged(HttpExchange ex, Map<String, String> headers, byte[] content) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put("Accept-Ranges", "bytes");
        String range = ex.getRequestHeaders().getFirst("Range");
        if (range == null) {
            return new Answer(200, h, content);
        }
        Matcher m = RANGE.matcher(range);
        if (!m.matches()) {
            return new Answer(200, h, content);
        }
        long from = Long.parseLong(m.group(1));
        long to = m.group(2).isEmpty() ? content.length - 1 : Math.min(Long.parseLong(m.group(2)), content.length - 1);
        if (from >= content.length || from > to) {
            h.put("Content-Range", "bytes */" + content.length);
            return new Answer(416, h, new byte[0]);
        }
        h.put("Content-Range", "bytes " + from + "-" + to + "/" + content.length);
        return new Answer(206, h, java.util.Arrays.copyOfRange(content, (int) from, (int) to + 1));
    }

    // ---------------------------------------------------------------- helpers

    private static String checkPath(String path) {
        if (path.isEmpty() || path.startsWith("/") || path.contains("..") || path.contains("\\")) {
            throw new HubError(400, null, "invalid path '" + path + "'");
        }
        return path;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String decodePath(String rawPath) {
        StringBuilder sb = new StringBuilder();
        for (String seg : rawPath.split("/", -1)) {
            if (sb.length() > 0) {
                sb.append('/');
            }
            sb.append(decode(seg));
        }
        return sb.toString();
    }

    private static JsonNode readJson(byte[] body) {
        try {
            JsonNode n = JSON.readTree(body);
            if (n == null) {
                throw new HubError(400, null, "empty JSON body");
            }
            return n;
        } catch (IOException e) {
            throw new HubError(400, null, "invalid JSON: " + e.getMessage());
        }
    }

    static byte[] lfsPointer(String oid, long size) {
        return ("version https://git-lfs.github.com/spec/v1\noid sha256:" + oid + "\nsize " + size + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Git's blob id: sha1 of {@code "blob <size>\0" + content}. */
    public static String gitBlobSha1(byte[] content) {
        byte[] prefix = ("blob " + content.length + "\0").getBytes(StandardCharsets.US_ASCII);
        MessageDigest md = md("SHA-1");
        md.update(prefix);
        md.update(content);
        return HexFormat.of().formatHex(md.digest());
    }

    public static String sha256(byte[] content) {
        return HexFormat.of().formatHex(digest("SHA-256", content));
    }

    private static byte[] digest(String algo, byte[] content) {
        return md(algo).digest(content);
    }

    private static MessageDigest md(String algo) {
        try {
            return MessageDigest.getInstance(algo);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
