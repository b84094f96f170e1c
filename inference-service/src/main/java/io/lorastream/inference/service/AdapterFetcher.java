package io.lorastream.inference.service;

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
 * Brings a PEFT adapter folder into the local cache, {@code <cache>/<adapterId>/<version>/}:
 * {@code file:} folders are copied (so the verified bytes are the bytes loaded, whatever later happens
 * to the source), {@code http(s):} folders are downloaded file by file ({@code <uri>/adapter_config.json},
 * {@code <uri>/adapter_model.safetensors}), and {@code hf://owner/name[/subfolder][?revision=r]} resolves
 * to {@code <hub>/owner/name/resolve/<r>/[subfolder/]<file>}.
 */
@ApplicationScoped
public class AdapterFetcher {
    /** The PEFT files, and the only files the adapter digest covers here. */
    public static final List<String> PEFT_FILES = List.of("adapter_config.json", "adapter_model.safetensors");

    private final InferenceConfig.Adapters config;
    private final Path cacheRoot;
    private final HttpClient http;

    public AdapterFetcher(InferenceConfig config) {
        this.config = config.adapters();
        this.cacheRoot = this.config.cacheDir()
                .orElseGet(() -> Path.of(System.getProperty("java.io.tmpdir"), "lorastream-inference-adapters"))
                .toAbsolutePath();
        this.http = HttpClient.newBuilder()
                .connectTimeout(this.config.fetchTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    /** Fetches the adapter at {@code uri} into the cache and returns its folder; throws with a reason on failure. */
    public Path fetch(AdapterRef ref, String uri) {
        URI parsed = parse(uri);
        Path target = cacheRoot.resolve(ref.adapterId()).resolve(Integer.toString(ref.version()));
        Path staging = cacheRoot.resolve(ref.adapterId()).resolve(ref.version() + ".part-" + UUID.randomUUID());
        try {
            Files.createDirectories(staging);
            String scheme = parsed.getScheme().toLowerCase(Locale.ROOT);
            switch (scheme) {
                case "file" -> copyLocal(Path.of(parsed), staging);
                case "http", "https" -> download(parsed.toString(), staging);
                case "hf" -> download(hubUrl(parsed), staging);
                default -> throw new AdapterRejectedException("unsupported adapter URI scheme '" + scheme
                        + "' (file, http, https, hf): " + uri);
            }
            deleteRecursively(target);
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new AdapterRejectedException("cannot fetch " + uri + ": " + e, e);
        } finally {
            deleteRecursively(staging);
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
                throw new AdapterRejectedException("adapter URI has no scheme (file:, http:, https:, hf:): " + uri);
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

    /** {@code hf://owner/name[/sub/folder][?revision=r]} → {@code <hub>/owner/name/resolve/r[/sub/folder]}. */
    String hubUrl(URI hf) {
        String path = (hf.getAuthority() == null ? "" : hf.getAuthority()) + (hf.getPath() == null ? "" : hf.getPath());
        String[] parts = path.replaceAll("^/+|/+$", "").split("/", 3);
        if (parts.length < 2 || parts[0].isBlank() || parts[1].isBlank()) {
            throw new AdapterRejectedException("hf:// URI must name owner/repository: " + hf);
        }
        String revision = "main";
        if (hf.getQuery() != null) {
            for (String kv : hf.getQuery().split("&")) {
                if (kv.startsWith("revision=") && kv.length() > 9) {
                    revision = kv.substring(9);
                }
            }
        }
        String endpoint = config.hubEndpoint().replaceAll("/+$", "");
        return endpoint + "/" + parts[0] + "/" + parts[1] + "/resolve/" + revision
                + (parts.length == 3 ? "/" + parts[2] : "");
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
