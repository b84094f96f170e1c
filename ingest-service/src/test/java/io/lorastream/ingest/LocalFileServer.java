package io.lorastream.ingest;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real HTTP server on loopback serving a directory in place (the shared TweetEval files), so the URL
 * source is tested without the internet. Besides {@code /files/}, it has misbehaving prefixes:
 * {@code /broken/} answers 500, {@code /truncated/} cuts every {@code *_text.txt} in half while
 * announcing its full length, and any other path is a 404.
 */
public final class LocalFileServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final Path dir;

    private LocalFileServer(Path dir) throws IOException {
        this.dir = dir;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public static LocalFileServer serving(Path dir) throws IOException {
        return new LocalFileServer(dir);
    }

    /** e.g. {@code base("files")} → {@code http://127.0.0.1:<port>/files/} */
    public URI base(String prefix) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/" + prefix + "/");
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String[] parts = ex.getRequestURI().getPath().split("/", 3); // "", prefix, file
            String prefix = parts.length > 1 ? parts[1] : "";
            Path file = parts.length > 2 && !parts[2].contains("/") ? dir.resolve(parts[2]) : null;
            boolean head = ex.getRequestMethod().equals("HEAD");
            if (prefix.equals("broken")) {
                ex.sendResponseHeaders(500, -1);
                return;
            }
            if (file == null || !Files.isRegularFile(file) || !(prefix.equals("files") || prefix.equals("truncated"))) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            byte[] body = Files.readAllBytes(file);
            if (head) {
                ex.getResponseHeaders().set("Content-Length", Long.toString(body.length));
                ex.sendResponseHeaders(200, -1);
                return;
            }
            ex.sendResponseHeaders(200, body.length);
            OutputStream out = ex.getResponseBody();
            if (prefix.equals("truncated") && file.getFileName().toString().endsWith("_text.txt")) {
                out.write(body, 0, body.length / 2);
                out.flush();
                return; // closing the exchange now fails on the short body and drops the connection
            }
            out.write(body);
        } catch (IOException expectedForTruncated) {
            // the truncated responses end here, which is the point
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
