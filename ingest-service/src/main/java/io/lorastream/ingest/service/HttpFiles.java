package io.lorastream.ingest.service;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Dataset files under a base URL over http(s), e.g. the raw files of {@code cardiffnlp/tweeteval}.
 * Bodies are streamed, never held whole in memory. A 404 means the file does not exist.
 */
public final class HttpFiles implements DatasetFiles {
    private final URI base;
    private final HttpClient client;
    private final Duration readTimeout;

    public HttpFiles(URI base, Duration connectTimeout, Duration readTimeout) {
        this.base = normalize(base);
        this.readTimeout = readTimeout;
        this.client = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    /**
     * Checks a base URL and gives it a trailing slash, so file names resolve beneath it.
     *
     * @throws IllegalArgumentException for anything but an absolute http(s) URL with a host
     */
    public static URI normalize(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("source url must be http or https, was '" + url + "'");
        }
        if (url.getHost() == null || url.getHost().isBlank()) {
            throw new IllegalArgumentException("source url has no host: '" + url + "'");
        }
        if (url.getRawQuery() != null || url.getRawFragment() != null) {
            throw new IllegalArgumentException("source url must be a base folder without query or fragment: '" + url + "'");
        }
        String s = url.toString();
        return URI.create(s.endsWith("/") ? s : s + "/");
    }

    public URI base() {
        return base;
    }

    @Override
    public String location() {
        return base.toString();
    }

    @Override
    public Optional<InputStream> open(String name) throws IOException {
        URI file = base.resolve(name);
        HttpRequest request = HttpRequest.newBuilder(file).timeout(readTimeout).GET().build();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching " + file, e);
        } catch (IOException e) {
            throw new IOException("cannot fetch " + file + ": " + describe(e), e);
        }
        if (response.statusCode() == 404) {
            response.body().close();
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            response.body().close();
            throw new IOException("GET " + file + " answered HTTP " + response.statusCode());
        }
        return Optional.of(response.body());
    }

    @Override
    public long size(String name) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(name)).timeout(readTimeout)
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build();
        try {
            HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200
                    ? response.headers().firstValueAsLong("content-length").orElse(-1) : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
