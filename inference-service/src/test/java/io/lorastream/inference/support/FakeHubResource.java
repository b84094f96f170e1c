package io.lorastream.inference.support;

import io.lorastream.testing.FakeHubServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * lorastream-testing's in-JVM Hugging Face Hub for {@code hf://} adapters: the service's hub endpoint points at
 * it and carries its token (tests publish private repositories, so a pull without the token would fail).
 * Tests reach it over HTTP with lorastream-hub's client, as the trainer would.
 */
public class FakeHubResource implements QuarkusTestResourceLifecycleManager {
    public static final String TOKEN = "hf_inferenceTestTokenNeverLogged0123456789";
    /** The user the token belongs to; tests publish under this owner. */
    public static final String USER = "lorastream";
    private static volatile FakeHubServer hub;

    @Override
    public Map<String, String> start() {
        hub = new FakeHubServer(TOKEN, USER);
        return Map.of("lorastream.inference.adapters.hub-endpoint", hub.url(),
                "lorastream.inference.adapters.hub-token", TOKEN);
    }

    /** The running server, or null when this class was loaded by another class loader than the resource's. */
    public static FakeHubServer hub() {
        return hub;
    }

    @Override
    public void stop() {
        if (hub != null) {
            hub.close();
        }
    }
}
