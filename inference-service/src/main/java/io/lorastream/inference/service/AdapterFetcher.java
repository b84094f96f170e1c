package io.lorastream.inference.service;

import io.lorastream.hub.AdapterPuller;
import io.lorastream.hub.HfUri;
import io.lorastream.hub.HubClient;
import io.lorastream.hub.HubConfig;
import io.lorastream.hub.HubException;
import io.lorastream.hub.PulledAdapter;
import io.lorastream.inference.config.InferenceConfig;
import io.lorastream.inference.domain.AdapterRef;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Brings a PEFT adapter folder into the local cache: {@code file:} folders are copied to
 * {@code <cache>/<adapterId>/<version>/} (so the verified bytes are the bytes loaded, whatever later happens
 * to the source), {@code http(s):} folders are downloaded there file by file ({@code <uri>/adapter_config.json},
 * {@code <uri>/adapter_model.safetensors}), and {@code hf://owner/repo[/sub/folder][@revision]} adapters are
 * pulled by lorastream-hub's {@link AdapterPuller} into {@code <cache>/hub/models--owner--repo/<commit>/}:
 * the revision is resolved to a commit first and every file is verified against the Hub's digest (LFS
 * sha256 or git blob id). A Hub failure becomes the rejection reason {@code <KIND>: <detail>}.
 */
@ApplicationScoped
public class AdapterFetcher {
    /** The PEFT files, and the only files the adapter digest covers here. */
    public static final List<String> PEFT_FILES = List.of("adapter_config.json", "adapter_model.safetensors");

    private final InferenceConfig.Adapters config;
    private final Path cacheRoot;
    private final HttpClient http;
    private final AdapterPuller hub;

    /**
     * Where a fetched adapter lies.
     *
     * @param resolvedUri for {@code hf://} adapters the URI pinned to the commit the files came from, so a
     *     later re-fetch gets the same files even if the branch moved; null for other schemes
     */
    public record Fetched(Path folder, String resolvedUri) {}

    public AdapterFetcher(InferenceConfig config) {
        this.config = config.adapters();
        this.cacheRoot = this.config.cacheDir()
                .orElseGet(() -> Path.of(System.getProperty("java.io.tmpdir"), "lorastream-inference-adapters"))
                .toAbsolutePath();
        this.http = HttpClient.newBuilder()
                .connectTimeout(this.config.fetchTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        HubConfig hubConfig = HubConfig.defaults() // toString() redacts the token
                .withEndpoint(this.config.hubEndpoint())
                .withToken(this.config.hubToken().orElse(null))
                .withTimeouts(this.config.fetchTimeout(), this.config.fetchTimeout());
        this.hub = new AdapterPuller(new HubClient(hubConfig), cacheRoot.resolve("hub"));
    }

    /** Fetches the adapter at {@code uri} into the cache; throws {@link AdapterRejectedException} with the reason. */
    public Fetched fetch(AdapterRef ref, String uri) {
        if (HfUri.isHfUri(uri)) {
            return pull(uri);
        }
        URI parsed = parse(uri);
        Path target = cacheRoot.resolve(ref.adapterId()).resolve(Integer.toString(ref.version()));
        Path staging = cacheRoot.resolve(ref.adapterId()).resolve(ref.version() + ".part-" + UUID.randomUUID());
        try {
            Files.createDirectories(staging);
            String scheme = parsed.getScheme().toLowerCase(Locale.ROOT);
            switch (scheme) {
                case "file" -> copyLocal(Path.of(parsed), staging);
                case "http", "https" -> download(parsed.toString(), staging);
                default -> throw new AdapterRejectedException("unsupported adapter URI scheme '" + scheme
                        + "' (file, http, https, hf): " + uri);
            }
            deleteRecursively(target);
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            return new Fetched(target, null);
        } catch (IOException e) {
            throw new AdapterRejectedException("cannot fetch " + uri + ": " + e, e);
        } finally {
            deleteRecursively(staging);
        }
    }

    /**
     * Pulls from the Hub. The pulled folder is the cached copy itself: it is named by the commit, so two
     * registrations of one commit share it, and the caller's digest check runs on exactly these bytes.
     */
    private Fetched pull(String uri) {
        try {
            PulledAdapter pulled = hub.pull(HfUri.parse(uri));
            return new Fetched(pulled.folder(), pulled.resolved().toString());
        } catch (HubException e) {
            throw new AdapterRejectedException(e.getMessage(), e); // "<KIND>: <detail>", never the token
        }
    }

    /** The cached folder of a verified adapter, if it is still there. */
    public boolean isCached(Path folder) {
        return folder != null && PEFT_FILES.stream().allMatch(f -> Files.isRegularFile(folder.resolve(f)));
    }

    private static URI parse(String uri) {
        try {
            URI u = new URI(uri);
            if (u.getScheme() == null) {
                throw new AdapterRejectedException("adapter URI has no scheme (file:, http:, https:, hf://): " + uri);
            }
            return u;
        } catch (URISyntaxException e) {
            throw new AdapterRejectedException("invalid adapter URI '" + uri + "': " + e.getReason());
        }
    }

    private static void copyLocal(Path folder, Path staging) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new AdapterRejectedException("adapter folder " + folder + " does not exist");
        }
        for (String name : PEFT_FILES) {
            Path src = folder.resolve(name);
            if (!Files.isRegularFile(src)) {
                throw new AdapterRejectedException("adapter folder " + folder + " has no " + name);
            }
            Files.copy(src, staging.resolve(name));
        }
    }

    private void download(String folderUrl, Path staging) throws IOException {
        String base = folderUrl.endsWith("/") ? folderUrl.substring(0, folderUrl.length() - 1) : folderUrl;
        String query = "";
        int q = base.indexOf('?');
        if (q >= 0) { // keep a query (e.g. a signed URL) after the file name
            query = base.substring(q);
            base = base.substring(0, q);
        }
        for (String name : PEFT_FILES) {
            String url = base + "/" + name + query;
            HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(config.fetchTimeout()).GET().build();
            HttpResponse<InputStream> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AdapterRejectedException("interrupted while fetching " + url);
            } catch (IOException e) {
                throw new AdapterRejectedException("cannot fetch " + url + ": " + e, e);
            }
            try (InputStream in = response.body()) {
                if (response.statusCode() != 200) {
                    throw new AdapterRejectedException("HTTP " + response.statusCode() + " for " + url);
                }
                long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
                if (declared > config.maxFileBytes()) {
                    throw new AdapterRejectedException(url + " is " + declared + " bytes, over the limit of "
                            + config.maxFileBytes());
                }
                copyLimited(in, staging.resolve(name), url);
            }
        }
    }

    private void copyLimited(InputStream in, Path file, String url) throws IOException {
        byte[] buf = new byte[1 << 16];
        long total = 0;
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                total += n;
                if (total > config.maxFileBytes()) {
                    throw new AdapterRejectedException(url + " exceeds the limit of " + config.maxFileBytes() + " bytes");
                }
                out.write(buf, 0, n);
            }
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean " + dir, e);
        }
    }
}
