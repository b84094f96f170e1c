package io.lorastream.inference.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A real HTTP server over {@link TestPaths#ADAPTERS}, the way the trainer and the Hub serve adapters:
 * {@code /adapters/<name>/<file>} (trainer style) and {@code /hub/<owner>/<name>/resolve/<revision>/<file>}
 * (Hub style, for {@code hf://owner/name} URIs). Points the service's hub endpoint at it.
 */
public class AdapterFileServer implements QuarkusTestResourceLifecycleManager {
    public static final String URL_PROPERTY = "lorastream.test.adapter-server";
    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/adapters/", ex -> serve(ex, ex.getRequestURI().getPath().substring("/adapters/".length())));
        server.createContext("/hub/", ex -> {
            // /hub/<owner>/<name>/resolve/<revision>/<file>
            String[] p = ex.getRequestURI().getPath().substring("/hub/".length()).split("/");
            if (p.length != 5 || !p[2].equals("resolve")) {
                reply(ex, 404, new byte[0]);
                return;
            }
            serve(ex, p[1] + "/" + p[4]);
        });
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        System.setProperty(URL_PROPERTY, base);
        return Map.of("lorastream.inference.adapters.hub-endpoint", base + "/hub", URL_PROPERTY, base);
    }

    private static void serve(HttpExchange ex, String relative) throws IOException {
        Path file = TestPaths.ADAPTERS.resolve(relative).normalize();
        if (!file.startsWith(TestPaths.ADAPTERS) || !Files.isRegularFile(file)) {
            reply(ex, 404, new byte[0]);
            return;
        }
        reply(ex, 200, Files.readAllBytes(file));
    }

    private static void reply(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
