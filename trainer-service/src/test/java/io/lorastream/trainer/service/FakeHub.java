package io.lorastream.trainer.service;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.lorastream.contracts.ContractJson;
import io.lorastream.contracts.Digests;
import io.lorastream.testing.FakeHubServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * A local stand-in for huggingface.co serving one model folder the way the Hub does: the revision API
 * with {@code siblings} (size, and {@code lfs.sha256} for weights), {@code /resolve/} answering LFS files
 * with a 302 to a "CDN" path carrying {@code X-Linked-Etag} / {@code X-Linked-Size}, and {@code Range}
 * requests answered with 206. It can drop the connection halfway through a file, corrupt a file, and
 * demand a bearer token.
 */
final class FakeHub implements AutoCloseable {
    /** One request as the server saw it. */
    record Seen(String method, String path, String range, String authorization) {}

    private final HttpServer server;
    private final String repoId;
    private final Map<String, byte[]> files = new TreeMap<>();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final Set<String> dropOnce = ConcurrentHashMap.newKeySet();
    private final Set<String> corrupt = ConcurrentHashMap.newKeySet();
    private volatile String requiredToken;

    FakeHub(String repoId, Path folder) {
        this.repoId = repoId;
        try (Stream<Path> s = Files.list(folder)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                files.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The next full (non-range) download of {@code file} stops after half its bytes, connection closed. */
    FakeHub dropConnectionOnce(String file) {
        dropOnce.add(file);
        return this;
    }

    /** Serves {@code file} with one byte flipped (its listed sha256 stays the true one). */
    FakeHub corrupt(String file) {
        corrupt.add(file);
        return this;
    }

    FakeHub requireToken(String token) {
        requiredToken = token;
        return this;
    }

    List<Seen> seen() {
        return List.copyOf(seen);
    }

    static boolean isLfs(String name) {
        return name.endsWith(".safetensors");
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        seen.add(new Seen(ex.getRequestMethod(), path, ex.getRequestHeaders().getFirst("Range"), auth));
        try (ex) {
            String api = "/api/models/" + repoId + "/revision/main";
            String resolve = "/" + repoId + "/resolve/main/";
            if (!path.startsWith("/cdn/") && requiredToken != null && !("Bearer " + requiredToken).equals(auth)) {
                send(ex, 401, "{\"error\":\"Invalid credentials in Authorization header\"}");
            } else if (path.equals(api)) {
                send(ex, 200, listing());
            } else if (path.startsWith(resolve) && files.containsKey(path.substring(resolve.length()))) {
                String name = path.substring(resolve.length());
                if (isLfs(name)) { // the Hub redirects LFS files to its CDN, another host
                    ex.getResponseHeaders().add("Location", "http://localhost:" + server.getAddress().getPort()
                            + "/cdn/" + name + "?signature=abc");
                    ex.getResponseHeaders().add("X-Linked-Etag", "\"" + Digests.sha256(files.get(name)) + "\"");
                    ex.getResponseHeaders().add("X-Linked-Size", Integer.toString(files.get(name).length));
                    ex.sendResponseHeaders(302, -1);
                } else {
                    // as the Hub does: a regular file's ETag is its git blob id, which clients verify
                    ex.getResponseHeaders().add("ETag", "\"" + FakeHubServer.gitBlobSha1(files.get(name)) + "\"");
                    serve(ex, name);
                }
            } else if (path.startsWith("/cdn/") && files.containsKey(path.substring(5))) {
                serve(ex, path.substring(5));
            } else {
                send(ex, 404, "{\"error\":\"Entry not found\"}");
            }
        }
    }

    private void serve(HttpExchange ex, String name) throws IOException {
        byte[] bytes = files.get(name);
        if (corrupt.contains(name)) {
            bytes = bytes.clone();
            bytes[bytes.length / 2] ^= 0x55;
        }
        String range = ex.getRequestHeaders().getFirst("Range");
        int from = 0;
        if (range != null && range.startsWith("bytes=") && range.endsWith("-")) {
            from = Integer.parseInt(range.substring(6, range.length() - 1));
            if (from >= bytes.length) {
                ex.sendResponseHeaders(416, -1);
                return;
            }
            ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (bytes.length - 1) + "/" + bytes.length);
            ex.sendResponseHeaders(206, bytes.length - from);
        } else {
            ex.sendResponseHeaders(200, bytes.length);
        }
        OutputStream out = ex.getResponseBody();
        if (from == 0 && dropOnce.remove(name)) {
            out.write(bytes, 0, bytes.length / 2);
            out.flush();
            // closing short of the announced length makes the server drop the connection
            throw new IOException("dropping the connection halfway through " + name);
        }
        out.write(bytes, from, bytes.length - from);
    }

    private String listing() {
        ObjectNode info = ContractJson.mapper().createObjectNode();
        info.put("id", repoId);
        info.put("sha", "0000000000000000000000000000000000000000");
        ArrayNode siblings = info.putArray("siblings");
        files.forEach((name, bytes) -> {
            ObjectNode s = siblings.addObject();
            s.put("rfilename", name);
            s.put("size", bytes.length);
            if (isLfs(name)) {
                s.putObject("lfs").put("sha256", Digests.sha256(bytes)).put("size", bytes.length);
            }
        });
        return info.toString();
    }

    private static void send(HttpExchange ex, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
