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
 * A real HTTP server over {@link TestPaths#ADAPTERS}, the way the trainer serves adapters:
 * {@code /adapters/<name>/<file>}. ({@code hf://} adapters come from {@link FakeHubResource}.)
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
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        System.setProperty(URL_PROPERTY, base);
        return Map.of(URL_PROPERTY, base);
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
