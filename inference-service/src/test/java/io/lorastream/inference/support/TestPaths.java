package io.lorastream.inference.support;

import java.nio.file.Path;

/**
 * Folders shared by tests and test resources. No engine classes here: test resources run outside the
 * application's class loader, and engine classes loaded there would clash with the application's.
 */
public final class TestPaths {
    /** Adapter folders by name (names carry a per-run suffix); {@link AdapterFileServer} serves this folder. */
    public static final Path ADAPTERS = Path.of("target", "test-adapters").toAbsolutePath();

    private TestPaths() {}
}
