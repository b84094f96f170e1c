package io.lorastream.hub;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the Hub is and how to talk to it. The token is a secret: {@link #toString()} never shows it and
 * no message of this module contains it.
 *
 * @param endpoint the Hub's base URL, {@code https://huggingface.co} unless a mirror or a test server
 * @param token a user access token (read for pulls of private repositories, write for publishing)
 * @param maxAttempts attempts per idempotent call (and per commit, see {@link HubClient}) before giving up
 * @param initialBackoff wait after the first failure; doubled after each further one
 * @param maxBackoff upper bound of one wait
 * @param connectTimeout TCP/TLS connect timeout
 * @param requestTimeout timeout of one API call (not of a transfer body: large files stream as long as
 *     bytes flow)
 */
public record HubConfig(
        URI endpoint,
        Optional<String> token,
        int maxAttempts,
        Duration initialBackoff,
        Duration maxBackoff,
        Duration connectTimeout,
        Duration requestTimeout) {

    public static final URI DEFAULT_ENDPOINT = URI.create("https://huggingface.co");

    public HubConfig {
        Objects.requireNonNull(endpoint, "endpoint");
        String s = endpoint.toString();
        if (!(s.startsWith("http://") || s.startsWith("https://"))) {
            throw new IllegalArgumentException("Hub endpoint must be an http(s) URL, was " + s);
        }
        endpoint = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
        token = token == null ? Optional.empty() : token.map(String::strip).filter(t -> !t.isEmpty());
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, was " + maxAttempts);
        }
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
    }

    /** The public Hub, no token, 4 attempts with 0.5 s, 1 s, 2 s between them. */
    public static HubConfig defaults() {
        return new HubConfig(DEFAULT_ENDPOINT, Optional.empty(), 4, Duration.ofMillis(500), Duration.ofSeconds(8),
                Duration.ofSeconds(10), Duration.ofMinutes(2));
    }

    public HubConfig withEndpoint(URI endpoint) {
        return new HubConfig(endpoint, token, maxAttempts, initialBackoff, maxBackoff, connectTimeout, requestTimeout);
    }

    public HubConfig withEndpoint(String endpoint) {
        return withEndpoint(URI.create(endpoint));
    }

    /** {@code null} or blank means anonymous. */
    public HubConfig withToken(String token) {
        return new HubConfig(endpoint, Optional.ofNullable(token), maxAttempts, initialBackoff, maxBackoff,
                connectTimeout, requestTimeout);
    }

    public HubConfig withRetries(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
        return new HubConfig(endpoint, token, maxAttempts, initialBackoff, maxBackoff, connectTimeout, requestTimeout);
    }

    public HubConfig withTimeouts(Duration connectTimeout, Duration requestTimeout) {
        return new HubConfig(endpoint, token, maxAttempts, initialBackoff, maxBackoff, connectTimeout, requestTimeout);
    }

    /** The wait before attempt {@code attempt + 1} (attempt counts from 1). */
    Duration backoff(int attempt) {
        long ms = initialBackoff.toMillis();
        for (int i = 1; i < attempt && ms < maxBackoff.toMillis(); i++) {
            ms *= 2;
        }
        return Duration.ofMillis(Math.min(ms, maxBackoff.toMillis()));
    }

    @Override
    public String toString() {
        return "HubConfig[endpoint=" + endpoint + ", token=" + (token.isPresent() ? "<redacted>" : "<none>")
                + ", maxAttempts=" + maxAttempts + ", initialBackoff=" + initialBackoff + ", maxBackoff="
                + maxBackoff + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout + "]";
    }
}
