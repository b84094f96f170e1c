package io.lorastream.hub;

import com.fasterxml.jackson.databind.JsonNode;
import io.lorastream.contracts.ContractJson;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The transport under {@link HubClient}: one {@link HttpClient}, the bearer token added only to requests
 * for the Hub's own host (never to the storage URLs the Hub hands out), redirects followed by hand for the
 * same reason, bounded retries with exponential backoff, and HTTP errors turned into {@link HubException}s
 * whose messages never contain the token.
 */
final class HubHttp {
    static final Logger LOG = Logger.getLogger("io.lorastream.hub");
    /** Transfers of large files may take long; only API calls get the configured request timeout. */
    static final Duration TRANSFER_TIMEOUT = Duration.ofMinutes(30);
    private static final int MAX_REDIRECTS = 5;
    private static final int MAX_ERROR_CHARS = 300;

    private final HubConfig config;
    private final HttpClient client;

    HubHttp(HubConfig config) {
        this.config = config;
        HttpClient.Builder b = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(config.connectTimeout());
        if ("http".equals(config.endpoint().getScheme())) {
            b.version(HttpClient.Version.HTTP_1_1); // no h2c upgrade dance with plain-HTTP mirrors and test servers
        }
        this.client = b.build();
    }

    HubConfig config() {
        return config;
    }

    /** An HTTP answer with its body read into memory (API calls). */
    record Reply(int status, HttpHeaders headers, byte[] body, URI uri) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        Optional<String> header(String name) {
            return headers.firstValue(name);
        }

        JsonNode json(String what) {
            try {
                return ContractJson.mapper().readTree(body);
            } catch (IOException e) {
                throw new HubException(HubException.Kind.REJECTED, what + ": the Hub answered HTTP " + status
                        + " with a body that is not JSON", e);
            }
        }
    }

    /** One request: how to build it again for each attempt. */
    record Call(String method, URI uri, Map<String, String> headers, Supplier<HttpRequest.BodyPublisher> body,
            boolean transfer) {
        Call {
            headers = Map.copyOf(headers);
        }

        static Call get(URI uri) {
            return new Call("GET", uri, Map.of("Accept", "application/json"), null, false);
        }

        static Call postJson(URI uri, Object payload) {
            byte[] json = ContractJson.write(payload);
            return new Call("POST", uri, Map.of("Content-Type", "application/json", "Accept", "application/json"),
                    () -> HttpRequest.BodyPublishers.ofByteArray(json), false);
        }
    }

    URI api(String path) {
        return URI.create(config.endpoint() + path);
    }

    // ---------------------------------------------------------------- retries

    /**
     * Sends an idempotent call, retrying connection failures, 5xx and 429 up to {@code maxAttempts} times
     * with exponential backoff, then returns the final reply (2xx or a non-retryable error status).
     */
    Reply retrying(String what, Call call) {
        for (int attempt = 1; ; attempt++) {
            Reply reply;
            try {
                reply = send(call, HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                if (attempt >= config.maxAttempts()) {
                    throw network(what, e, attempt);
                }
                pause(what, "connection failure (" + describe(e) + ")", attempt);
                continue;
            }
            if (retryable(reply.status()) && attempt < config.maxAttempts()) {
                pause(what, "HTTP " + reply.status(), attempt);
                continue;
            }
            return reply;
        }
    }

    /** {@link #retrying} and then an exception for any non-2xx status. */
    Reply expectOk(String what, Call call) {
        Reply reply = retrying(what, call);
        if (!reply.ok()) {
            throw error(what, reply);
        }
        return reply;
    }

    static boolean retryable(int status) {
        return status >= 500 || status == 429;
    }

    void pause(String what, String why, int attempt) {
        Duration wait = config.backoff(attempt);
        LOG.warning(() -> what + ": " + why + "; attempt " + (attempt + 1) + " of " + config.maxAttempts() + " in "
                + wait.toMillis() + " ms");
        sleep(wait);
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubException(HubException.Kind.NETWORK, "interrupted while waiting to retry", e);
        }
    }

    // ---------------------------------------------------------------- one exchange

    /** Sends once; follows redirects for GET and HEAD, dropping the token when the host changes. */
    Reply send(Call call, HttpResponse.BodyHandler<byte[]> handler) throws IOException {
        HttpResponse<byte[]> r = exchange(call, handler, Map.of()).response();
        return new Reply(r.statusCode(), r.headers(), r.body() == null ? new byte[0] : r.body(), r.uri());
    }

    /**
     * A response together with the headers of the Hub's own hops: a redirect to storage carries the
     * {@code X-Linked-*} and {@code X-Repo-Commit} headers that the storage's final answer lacks.
     */
    record Exchange<T>(HttpResponse<T> response, HttpHeaders hubHeaders) {}

    <T> Exchange<T> exchange(Call call, HttpResponse.BodyHandler<T> handler, Map<String, String> extraHeaders)
            throws IOException {
        return exchange(call, handler, extraHeaders, null);
    }

    /**
     * Sends {@code call}, following redirects for GET and HEAD. Without {@code lastActivity} the whole exchange
     * must finish within the request timeout (API calls) or {@link #TRANSFER_TIMEOUT} (uploads); with it, a
     * download is abandoned only when no byte arrived for a request timeout, however long it runs.
     */
    <T> Exchange<T> exchange(Call call, HttpResponse.BodyHandler<T> handler, Map<String, String> extraHeaders,
            LongSupplier lastActivity) throws IOException {
        URI uri = call.uri();
        HttpHeaders hubHeaders = null;
        for (int hop = 0; ; hop++) {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("User-Agent", "lorastream-hub/1");
            if (lastActivity == null) {
                b.timeout(call.transfer() ? TRANSFER_TIMEOUT : config.requestTimeout()); // until the answer's headers
            }
            call.headers().forEach(b::header);
            extraHeaders.forEach(b::header);
            if (isHub(uri) && config.token().isPresent()) {
                b.header("Authorization", "Bearer " + config.token().get());
            }
            HttpRequest.BodyPublisher body = call.body() == null ? HttpRequest.BodyPublishers.noBody() : call.body().get();
            b.method(call.method(), body);
            HttpResponse<T> response = await(client.sendAsync(b.build(), handler),
                    call.transfer() && lastActivity == null ? TRANSFER_TIMEOUT : config.requestTimeout(), lastActivity);
            int status = response.statusCode();
            if (isHub(uri)) {
                hubHeaders = response.headers(); // the last Hub hop is the one that points at storage
            }
            URI current = uri;
            LOG.fine(() -> call.method() + " " + loggable(current) + " -> " + status);
            boolean redirect = status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
            boolean follow = call.method().equals("GET") || call.method().equals("HEAD");
            Optional<String> location = response.headers().firstValue("Location");
            if (!(redirect && follow && location.isPresent())) {
                return new Exchange<>(response, hubHeaders == null ? response.headers() : hubHeaders);
            }
            if (hop >= MAX_REDIRECTS) {
                throw new IOException("more than " + MAX_REDIRECTS + " redirects from " + loggable(call.uri()));
            }
            uri = uri.resolve(location.get());
        }
    }

    /**
     * Waits for a response, body included. The JDK client has no read timeout, so a server that stops sending
     * would block a synchronous send forever: cancel the exchange when {@code limit} passed in total, or, with
     * {@code lastActivity}, since the last byte arrived.
     */
    private static <T> HttpResponse<T> await(CompletableFuture<HttpResponse<T>> pending, Duration limit,
            LongSupplier lastActivity) throws IOException {
        long start = System.nanoTime();
        long poll = Math.max(10, Math.min(1000, limit.toMillis() / 4));
        while (true) {
            try {
                return pending.get(poll, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                long since = lastActivity == null ? start : Math.max(start, lastActivity.getAsLong());
                if (System.nanoTime() - since > limit.toNanos()) {
                    pending.cancel(true);
                    throw new HttpTimeoutException(lastActivity == null ? "no complete answer within " + limit.toMillis()
                            + " ms" : "no data for " + limit.toMillis() + " ms");
                }
            } catch (InterruptedException e) {
                pending.cancel(true);
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted");
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof IOException io) {
                    throw io;
                }
                if (cause instanceof java.io.UncheckedIOException io) {
                    throw io.getCause();
                }
                if (cause instanceof RuntimeException re) {
                    throw re;
                }
                throw new IOException(cause);
            }
        }
    }

    /** Only the Hub itself gets the token: storage URLs are pre-signed and must not see it. */
    boolean isHub(URI uri) {
        URI hub = config.endpoint();
        return Objects.equals(hub.getScheme(), uri.getScheme())
                && hub.getHost() != null && hub.getHost().equalsIgnoreCase(uri.getHost())
                && port(hub) == port(uri);
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : "https".equals(u.getScheme()) ? 443 : 80;
    }

    // ---------------------------------------------------------------- errors

    HubException network(String what, IOException e, int attempts) {
        return new HubException(HubException.Kind.NETWORK, redact(what + ": cannot reach the Hub at "
                + config.endpoint() + " after " + attempts + " attempt(s): " + describe(e)), 0, e);
    }

    static String describe(IOException e) {
        String m = e.getMessage();
        String type = e instanceof ConnectException ? "connection refused"
                : e instanceof java.net.http.HttpTimeoutException ? "timed out"
                : e.getClass().getSimpleName();
        return m == null || m.isBlank() ? type : type + ": " + m;
    }

    /** Maps an error reply to a {@link HubException} with the Hub's own error code and message. */
    HubException error(String what, Reply reply) {
        int status = reply.status();
        String code = reply.header("X-Error-Code").orElse("");
        String hubMessage = reply.header("X-Error-Message").orElseGet(() -> errorText(reply.body()));
        String detail = what + " -> HTTP " + status + (code.isEmpty() ? "" : " " + code)
                + (hubMessage.isEmpty() ? "" : ": " + hubMessage);
        HubException.Kind kind;
        String hint;
        if (reply.uri() != null && !isHub(reply.uri())) {
            kind = retryable(status) ? HubException.Kind.SERVER : HubException.Kind.REJECTED;
            hint = "the storage the Hub pointed to refused the transfer";
        } else if (code.equals("RepoNotFound") || status == 404) {
            kind = HubException.Kind.NOT_FOUND;
            hint = switch (code) {
                case "RevisionNotFound" -> "the revision does not exist";
                case "EntryNotFound" -> "the file does not exist at that revision";
                default -> "the repository does not exist, or it is private and "
                        + (config.token().isPresent() ? "the token cannot read it" : "no token was given");
            };
        } else if (status == 401) {
            kind = HubException.Kind.UNAUTHORIZED;
            hint = config.token().isPresent() ? "the token was refused (wrong, expired or revoked)"
                    : "the Hub requires a token for this";
        } else if (status == 403) {
            kind = HubException.Kind.UNAUTHORIZED;
            hint = "the token is not allowed to do this (a write token with access to the namespace is needed)";
        } else if (status == 409 || status == 412) {
            kind = HubException.Kind.CONFLICT;
            hint = "the repository changed meanwhile";
        } else if (retryable(status)) {
            kind = HubException.Kind.SERVER;
            hint = "the Hub kept failing after " + config.maxAttempts() + " attempt(s)";
        } else {
            kind = HubException.Kind.REJECTED;
            hint = "the Hub refused the request";
        }
        return new HubException(kind, redact(hint + " (" + detail + ")"), status, null);
    }

    private static String errorText(byte[] body) {
        if (body == null || body.length == 0) {
            return "";
        }
        String text = new String(body, StandardCharsets.UTF_8);
        try {
            JsonNode n = ContractJson.mapper().readTree(text);
            if (n != null && n.hasNonNull("error")) {
                text = n.get("error").asText();
            } else if (n != null && n.hasNonNull("message")) {
                text = n.get("message").asText();
            }
        } catch (IOException notJson) {
            // keep the raw text
        }
        text = text.replaceAll("\\s+", " ").strip();
        return text.length() > MAX_ERROR_CHARS ? text.substring(0, MAX_ERROR_CHARS) + "..." : text;
    }

    /** Belt and braces: no message leaves this module with the token in it, whatever the server echoed. */
    String redact(String message) {
        if (message == null || config.token().isEmpty()) {
            return message;
        }
        return message.replace(config.token().get(), "<redacted>");
    }

    /** A URL for logs and messages: path only for the Hub, host and path for storage (no signed query). */
    String loggable(URI uri) {
        return isHub(uri) ? uri.getRawPath() : uri.getScheme() + "://" + uri.getHost() + uri.getRawPath();
    }

    // ---------------------------------------------------------------- URL building

    /** Percent-encodes one path segment (a revision may contain {@code /}: it becomes {@code %2F}). */
    static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Percent-encodes a repository path, keeping its {@code /} separators. */
    static String path(String pathInRepo) {
        StringBuilder sb = new StringBuilder();
        for (String seg : pathInRepo.split("/", -1)) {
            if (sb.length() > 0) {
                sb.append('/');
            }
            sb.append(segment(seg));
        }
        return sb.toString();
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
