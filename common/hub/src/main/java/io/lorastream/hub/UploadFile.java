package io.lorastream.hub;

import io.lorastream.contracts.Digests;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;

/**
 * One file of a commit: its path in the repository and its content, from a local file or from memory
 * (a generated model card). Size and digests are computed once, on first use.
 */
public final class UploadFile {
    /** The Hub's preupload call looks at the first 512 bytes to decide between regular and LFS. */
    static final int SAMPLE_BYTES = 512;

    private final String pathInRepo;
    private final Path source;
    private final byte[] bytes;
    private String sha256;
    private String gitBlobSha1;

    private UploadFile(String pathInRepo, Path source, byte[] bytes) {
        this.pathInRepo = checkPath(pathInRepo);
        this.source = source;
        this.bytes = bytes;
    }

    public static UploadFile of(String pathInRepo, Path source) {
        Objects.requireNonNull(source, "source");
        if (!Files.isRegularFile(source)) {
            throw new HubException(HubException.Kind.INVALID_ARGUMENT, "not a file: " + source);
        }
        return new UploadFile(pathInRepo, source, null);
    }

    public static UploadFile of(String pathInRepo, byte[] content) {
        return new UploadFile(pathInRepo, null, content.clone());
    }

    public static UploadFile of(String pathInRepo, String utf8) {
        return new UploadFile(pathInRepo, null, utf8.getBytes(StandardCharsets.UTF_8));
    }

    public String pathInRepo() {
        return pathInRepo;
    }

    /** The local file, null for content held in memory. */
    public Path source() {
        return source;
    }

    public long size() {
        if (bytes != null) {
            return bytes.length;
        }
        try {
            return Files.size(source);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + source, e);
        }
    }

    public InputStream open() throws IOException {
        return bytes != null ? new ByteArrayInputStream(bytes) : Files.newInputStream(source);
    }

    public byte[] readAll() throws IOException {
        return bytes != null ? bytes.clone() : Files.readAllBytes(source);
    }

    /** The first bytes, as the preupload call wants them. */
    public byte[] sample() throws IOException {
        if (bytes != null) {
            return Arrays.copyOf(bytes, Math.min(bytes.length, SAMPLE_BYTES));
        }
        try (InputStream in = open()) {
            return in.readNBytes(SAMPLE_BYTES);
        }
    }

    public synchronized String sha256() {
        if (sha256 == null) {
            sha256 = bytes != null ? Digests.sha256(bytes) : Digests.sha256(source);
        }
        return sha256;
    }

    /** The git blob id the Hub lists for a regular file: sha1 of {@code "blob <size>\0" + content}. */
    public synchronized String gitBlobSha1() {
        if (gitBlobSha1 == null) {
            try (InputStream in = open()) {
                gitBlobSha1 = GitBlob.sha1(in, size());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + (source != null ? source : pathInRepo), e);
            }
        }
        return gitBlobSha1;
    }

    @Override
    public String toString() {
        return pathInRepo + (source != null ? " <- " + source : " (" + bytes.length + " bytes)");
    }

    static String checkPath(String path) {
        if (path == null || path.isEmpty() || path.startsWith("/") || path.endsWith("/") || path.contains("\\")) {
            throw new HubException(HubException.Kind.INVALID_ARGUMENT, "invalid path in repository: '" + path
                    + "' (relative, '/'-separated)");
        }
        for (String seg : path.split("/", -1)) {
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..") || seg.chars().anyMatch(c -> c < 0x20)) {
                throw new HubException(HubException.Kind.INVALID_ARGUMENT, "invalid path in repository: '" + path + "'");
            }
        }
        return path;
    }

    /** Git's blob hashing, so regular files can be checked against the Hub's listing and ETag. */
    static final class GitBlob {
        private GitBlob() {}

        static String sha1(InputStream in, long size) throws IOException {
            MessageDigest md;
            try {
                md = MessageDigest.getInstance("SHA-1");
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            md.update(("blob " + size + "\0").getBytes(StandardCharsets.US_ASCII));
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return Digests.hex(md.digest());
        }

        static String sha1(Path file) {
            try (InputStream in = Files.newInputStream(file)) {
                return sha1(in, Files.size(file));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot hash " + file, e);
            }
        }
    }
}
