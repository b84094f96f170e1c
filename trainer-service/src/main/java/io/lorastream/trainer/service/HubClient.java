package io.lorastream.trainer.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.lorastream.contracts.ContractJson;
import io.lorastream.contracts.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The slice of the Hugging Face Hub HTTP API that downloads a model repository: list its files
 * ({@code GET /api/models/{id}/revision/{rev}?blobs=true}) and fetch each one
 * ({@code GET /{id}/resolve/{rev}/{file}}). Downloads go to {@code <file>.part} and resume with a
 * {@code Range} request after a dropped connection; a file is moved into place only once its size and,
 * for LFS files, its sha256 check out. Redirects are followed by hand, as huggingface_hub does: the
 * token is not sent to another host (the CDN's signed URLs refuse a second credential), and the
 * {@code X-Linked-Etag} / {@code X-Linked-Size} of the Hub's own redirect are kept for verification.
 */
public final class HubClient {
    private static final Logger LOG = Logger.getLogger(HubClient.class);
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");
    private static final int MAX_REDIRECTS = 5;

    /**
     * A file of a repository revision.
     *
     * @param size   bytes, -1 when the listing did not say
     * @param sha256 hex digest of an LFS file from the listing, null otherwise
     */
    public record RepoFile(String name, long size, String sha256) {}

    private final URI endpoint;
    private final Optional<String> token;
    private final int attempts;
    private final HttpClient http;

    public HubClient(URI endpoint, Optional<String> token, int attempts, Duration connectTimeout) {
        String base = endpoint.toString();
        this.endpoint = URI.create(base.endsWith("/") ? base : base + "/");
        this.token = token.filter(t -> !t.isBlank());
        this.attempts = Math.max(1, attempts);
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(connectTimeout)
                .build();
    }

    /** The files of {@code repoId} at {@code revision}, with sizes and LFS digests where the Hub gives them. */
    public List<RepoFile> listFiles(String repoId, String revision) {
        URI uri = endpoint.resolve("api/models/" + repoPath(repoId) + "/revision/" + segment(revision) + "?blobs=true");
        HttpResponse<InputStream> response = null;
        for (int attempt = 1; ; attempt++) {
            try {
                response = send(uri, -1).response();
                if (response.statusCode() < 500 || attempt >= attempts) {
                    break;
                }
                response.body().close(); // a 5xx: worth another try
            } catch (IOException e) {
                if (attempt >= attempts) {
                    throw new HubException("cannot list " + repoId + "@" + revision + " at " + endpoint + ": " + e, e);
                }
            }
            backoff(attempt);
        }
        try (InputStream body = response.body()) {
            failOnError(response.statusCode(), repoId + "@" + revision);
            JsonNode info = ContractJson.mapper().readTree(body);
            List<RepoFile> files = new ArrayList<>();
            for (JsonNode s : info.path("siblings")) {
                JsonNode lfs = s.get("lfs");
                long size = s.hasNonNull("size") ? s.get("size").asLong()
                        : lfs != null && lfs.hasNonNull("size") ? lfs.get("size").asLong() : -1;
                String sha = lfs != null && lfs.hasNonNull("sha256") ? lfs.get("sha256").asText() : null;
                files.add(new RepoFile(s.path("rfilename").asText(), size, sha));
            }
            if (files.isEmpty()) {
                throw new HubException(repoId + "@" + revision + ": the Hub lists no files", response.statusCode());
            }
            return files;
        } catch (IOException e) {
            throw new HubException("cannot read the file list of " + repoId + "@" + revision + ": " + e.getMessage(), e);
        }
    }

    /**
     * Downloads {@code file} to {@code target}, resuming a {@code target.part} left by an earlier try.
     * Network errors and 5xx are retried (resuming); auth errors, 404 and a failed verification are not.
     */
    public void download(String repoId, String revision, RepoFile file, Path target) {
        Path part = target.resolveSibling(target.getFileName() + ".part");
        URI uri = endpoint.resolve(repoPath(repoId) + "/resolve/" + segment(revision) + "/" + path(file.name()));
        String what = repoId + "@" + revision + ":" + file.name();
        try {
            Files.createDirectories(target.getParent());
            for (int attempt = 1; ; attempt++) {
                try {
                    Expected expected = fetch(uri, part, file, what);
                    verify(part, file, expected, what);
                    Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    return;
                } catch (IOException | RetryableStatus e) {
                    if (attempt >= attempts) {
                        throw new HubException("download of " + what + " failed after " + attempt + " attempts: "
                                + e.getMessage(), e);
                    }
                    LOG.warnf("download of %s interrupted (%s); resuming from byte %d (attempt %d of %d)", what,
                            e.getMessage(), Files.exists(part) ? Files.size(part) : 0, attempt + 1, attempts);
                    backoff(attempt);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    /** Size and digest announced by the responses, used when the listing did not give them. */
    private record Expected(long size, String sha256) {}

    private Expected fetch(URI uri, Path part, RepoFile file, String what) throws IOException, RetryableStatus {
        long have = Files.exists(part) ? Files.size(part) : 0;
        if (file.size() >= 0 && have > file.size()) {
            Files.delete(part); // longer than the file: not ours to resume
            have = 0;
        }
        Sent sent = send(uri, have);
        HttpResponse<InputStream> response = sent.response();
        try (InputStream body = response.body()) {
            int status = response.statusCode();
            if (status == 416 && have > 0) {
                return new Expected(have, sent.linkedSha256()); // nothing left to fetch: verify what we have
            }
            if (status >= 500) {
                throw new RetryableStatus("HTTP " + status);
            }
            failOnError(status, what);
            boolean append = status == 206;
            long total = sent.linkedSize();
            if (append) {
                Matcher m = CONTENT_RANGE.matcher(response.headers().firstValue("Content-Range").orElse(""));
                if (!m.matches() || Long.parseLong(m.group(1)) != have) {
                    append = false; // a range we did not ask for: start over
                    Files.deleteIfExists(part);
                } else if (!m.group(3).equals("*")) {
                    total = Long.parseLong(m.group(3));
                }
            } else if (total < 0) {
                total = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            }
            try (OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
                body.transferTo(out); // bytes reach the .part file as they come, so a drop keeps them
            }
            return new Expected(total, sent.linkedSha256());
        }
    }

    private static void verify(Path part, RepoFile file, Expected expected, String what) throws IOException {
        long size = Files.size(part);
        long wanted = file.size() >= 0 ? file.size() : expected.size();
        if (wanted >= 0 && size < wanted) {
            throw new IOException("connection closed at byte " + size + " of " + wanted);
        }
        String sha = file.sha256() != null ? file.sha256() : expected.sha256();
        if (wanted >= 0 && size != wanted) {
            Files.delete(part);
            throw new HubException(what + ": downloaded " + size + " bytes, the Hub announced " + wanted, -1);
        }
        if (sha != null) {
            String actual = Digests.sha256(part);
            if (!actual.equals(sha)) {
                Files.delete(part);
                throw new HubException(what + ": sha256 mismatch (expected " + sha + ", got " + actual
                        + "); the partial download was deleted", -1);
            }
        }
    }

    /** A response and what the Hub's own redirect said about the file before the CDN answered. */
    private record Sent(HttpResponse<InputStream> response, long linkedSize, String linkedSha256) {}

    private Sent send(URI uri, long rangeFrom) throws IOException {
        URI current = uri;
        long linkedSize = -1;
        String linkedSha = null;
        for (int hop = 0; ; hop++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(current).GET().header("User-Agent", "lorastream-trainer");
            if (token.isPresent() && sameOrigin(current, endpoint)) {
                request.header("Authorization", "Bearer " + token.get());
            }
            if (rangeFrom > 0) {
                request.header("Range", "bytes=" + rangeFrom + "-");
            }
            HttpResponse<InputStream> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            linkedSize = response.headers().firstValueAsLong("X-Linked-Size").orElse(linkedSize);
            String etag = sha256Etag(response.headers().firstValue("X-Linked-Etag")
                    .or(() -> response.headers().firstValue("ETag")).orElse(null));
            linkedSha = etag != null ? etag : linkedSha;
            int status = response.statusCode();
            boolean redirect = status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
            if (!redirect) {
                return new Sent(response, linkedSize, linkedSha);
            }
            response.body().close();
            String location = response.headers().firstValue("Location")
                    .orElseThrow(() -> new IOException("redirect without Location from " + uri.getPath()));
            if (hop >= MAX_REDIRECTS) {
                throw new IOException("too many redirects from " + uri.getPath());
            }
            current = current.resolve(location);
        }
    }

    private static String sha256Etag(String etag) {
        if (etag == null) {
            return null;
        }
        String v = etag.replace("W/", "").replace("\"", "").trim().toLowerCase(Locale.ROOT);
        return SHA256.matcher(v).matches() ? v : null; // git blob ids (sha1) and CDN etags say nothing here
    }

    private void failOnError(int status, String what) {
        if (status < 400) {
            return;
        }
        if (status == 401 || status == 403) {
            throw new HubException(what + ": the Hub refused access (HTTP " + status + "): "
                    + (token.isPresent() ? "the configured token is invalid or lacks access to this repository"
                            : "the repository is gated or private; configure a token (lorastream.trainer.hub.token)"),
                    status);
        }
        if (status == 404) {
            throw new HubException(what + ": not found on " + endpoint + " (HTTP 404)", status);
        }
        throw new HubException(what + ": HTTP " + status, status);
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
                && a.getPort() == b.getPort();
    }

    private static void backoff(int attempt) {
        try {
            Thread.sleep(Math.min(10_000, 250L << Math.min(attempt, 6)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubException("interrupted while waiting to retry", e);
        }
    }

    private static String repoPath(String repoId) {
        String[] parts = repoId.split("/");
        if (parts.length > 2 || repoId.isBlank()) {
            throw new IllegalArgumentException("not a Hub model id: '" + repoId + "' (expected owner/name)");
        }
        return path(repoId);
    }

    private static String path(String name) {
        StringBuilder sb = new StringBuilder();
        for (String s : name.split("/")) {
            if (s.isEmpty() || s.equals("..") || s.equals(".")) {
                throw new IllegalArgumentException("bad path segment in '" + name + "'");
            }
            sb.append(sb.length() == 0 ? "" : "/").append(segment(s));
        }
        return sb.toString();
    }

    private static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A 5xx: worth another try. */
    private static final class RetryableStatus extends Exception {
        RetryableStatus(String message) {
            super(message);
        }
    }
}
