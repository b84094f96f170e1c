package io.lorastream.ingest.service;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Dataset files in a local directory. */
public final class DirectoryFiles implements DatasetFiles {
    private final Path dir;

    public DirectoryFiles(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    public Path dir() {
        return dir;
    }

    @Override
    public String location() {
        return dir.toString();
    }

    @Override
    public Optional<InputStream> open(String name) throws IOException {
        Path file = dir.resolve(name);
        return Files.isRegularFile(file) ? Optional.of(Files.newInputStream(file)) : Optional.empty();
    }

    @Override
    public long size(String name) {
        try {
            return Files.size(dir.resolve(name));
        } catch (IOException e) {
            return -1;
        }
    }
}
