package io.lorastream.hub;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Puts the content of LFS files where the Hub wants it, before the commit that references them: the Git
 * LFS batch API ({@code POST /{repo}.git/info/lfs/objects/batch}) answers, per object, nothing (already
 * stored) or an {@code upload} action (one pre-signed PUT, or {@code multipart}: one PUT per part then a
 * completion POST) and an optional {@code verify} action. The token goes to the batch call only; the
 * actions carry their own headers.
 */
final class LfsUploader {
    static final String LFS_JSON = "application/vnd.git-lfs+json";

    private final HubHttp http;

    LfsUploader(HubHttp http) {
        this.http = http;
    }

    void upload(RepoId repo, String revision, List<UploadFile> files) {
        if (files.isEmpty()) {
            return;
        }
        Map<String, UploadFile> byOid = new LinkedHashMap<>();
        for (UploadFile f : files) {
            byOid.putIfAbsent(f.sha256(), f); // two paths with the same content are one object
        }
        List<Map<String, Object>> objects = new ArrayList<>();
        byOid.forEach((oid, f) -> objects.add(ordered("oid", oid, "size", f.size())));
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("operation", "upload");
        payload.put("transfers", List.of("basic", "multipart"));
        payload.put("objects", objects);
        payload.put("hash_algo", "sha256");
        payload.put("ref", Map.of("name", revision));
        URI batchUri = http.api("/" + repo.id() + ".git/info/lfs/objects/batch");
        byte[] json = io.lorastream.contracts.ContractJson.write(payload);
        HubHttp.Call call = new HubHttp.Call("POST", batchUri, Map.of("Content-Type", LFS_JSON, "Accept", LFS_JSON),
                () -> HttpRequest.BodyPublishers.ofByteArray(json), false);
        String what = "LFS batch for " + repo;
        JsonNode answer = http.expectOk(what, call).json(what);
        String transfer = answer.path("transfer").asText("basic");
        if (!transfer.equals("basic") && !transfer.equals("multipart")) {
            throw new HubException(HubException.Kind.UNSUPPORTED, what + ": the Hub chose the '" + transfer
                    + "' transfer, this client implements basic and multipart");
        }
        for (JsonNode obj : answer.path("objects")) {
            String oid = obj.path("oid").asText();
            UploadFile file = byOid.get(oid);
            if (file == null) {
                throw new HubException(HubException.Kind.REJECTED, what + ": the Hub answered for an object we did not "
                        + "ask about (" + oid + ")");
            }
            if (obj.has("error")) {
                JsonNode err = obj.get("error");
                throw new HubException(HubException.Kind.REJECTED, what + ": " + file.pathInRepo() + " refused: "
                        + err.path("code").asText("?") + " " + err.path("message").asText(""));
            }
            JsonNode actions = obj.path("actions");
            JsonNode upload = actions.path("upload");
            if (upload.isMissingNode() || upload.isNull()) {
                HubHttp.LOG.fine(() -> file.pathInRepo() + ": content already on the Hub, not uploaded again");
                continue;
            }
            if (upload.path("header").has("chunk_size")) {
                multipart(file, upload);
            } else {
                basic(file, upload);
            }
            JsonNode verify = actions.path("verify");
            if (!verify.isMissingNode() && !verify.isNull()) {
                verify(file, verify);
            }
        }
    }

    private void basic(UploadFile file, JsonNode upload) {
        URI href = URI.create(upload.path("href").asText());
        Map<String, String> headers = headers(upload.path("header"));
        HubHttp.Call put = new HubHttp.Call("PUT", href, headers, () -> publisher(file, 0, file.size()), true);
        String what = "upload of " + file.pathInRepo() + " to LFS storage";
        http.expectOk(what, put);
    }

    private void multipart(UploadFile file, JsonNode upload) {
        JsonNode header = upload.path("header");
        long chunk;
        try {
            chunk = Long.parseLong(header.path("chunk_size").asText());
        } catch (NumberFormatException e) {
            throw new HubException(HubException.Kind.REJECTED, "LFS multipart upload of " + file.pathInRepo()
                    + ": chunk_size is not a number");
        }
        TreeMap<Integer, URI> parts = new TreeMap<>();
        header.fields().forEachRemaining(e -> {
            if (e.getKey().chars().allMatch(Character::isDigit) && !e.getKey().isEmpty()) {
                parts.put(Integer.parseInt(e.getKey()), URI.create(e.getValue().asText()));
            }
        });
        long size = file.size();
        long expected = chunk <= 0 ? -1 : (size + chunk - 1) / chunk;
        if (parts.size() != expected) {
            throw new HubException(HubException.Kind.REJECTED, "LFS multipart upload of " + file.pathInRepo() + ": "
                    + parts.size() + " part URLs for " + expected + " parts of " + chunk + " bytes");
        }
        List<Map<String, Object>> done = new ArrayList<>();
        int index = 0;
        for (Map.Entry<Integer, URI> part : parts.entrySet()) {
            long from = index * chunk;
            long length = Math.min(chunk, size - from);
            String what = "upload of part " + part.getKey() + "/" + parts.size() + " of " + file.pathInRepo();
            HubHttp.Call put = new HubHttp.Call("PUT", part.getValue(), Map.of(), () -> publisher(file, from, length), true);
            HubHttp.Reply reply = http.expectOk(what, put);
            String etag = reply.header("ETag").orElse("");
            if (etag.isEmpty()) {
                throw new HubException(HubException.Kind.REJECTED, what + ": storage returned no ETag");
            }
            done.add(ordered("partNumber", part.getKey(), "etag", etag));
            index++;
        }
        byte[] json = io.lorastream.contracts.ContractJson.write(ordered("oid", file.sha256(), "parts", done));
        HubHttp.Call complete = new HubHttp.Call("POST", URI.create(upload.path("href").asText()),
                Map.of("Content-Type", LFS_JSON, "Accept", LFS_JSON), () -> HttpRequest.BodyPublishers.ofByteArray(json),
                false);
        http.expectOk("completion of the multipart upload of " + file.pathInRepo(), complete);
    }

    private void verify(UploadFile file, JsonNode verify) {
        Map<String, String> headers = new LinkedHashMap<>(headers(verify.path("header")));
        headers.put("Content-Type", LFS_JSON);
        headers.put("Accept", LFS_JSON);
        byte[] json = io.lorastream.contracts.ContractJson.write(ordered("oid", file.sha256(), "size", file.size()));
        HubHttp.Call call = new HubHttp.Call("POST", URI.create(verify.path("href").asText()), headers,
                () -> HttpRequest.BodyPublishers.ofByteArray(json), false);
        http.expectOk("LFS verify of " + file.pathInRepo(), call);
    }

    /** A two-entry JSON object with its keys in this order (requests are compared byte for byte in tests). */
    private static Map<String, Object> ordered(String k1, Object v1, String k2, Object v2) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }

    private static Map<String, String> headers(JsonNode header) {
        Map<String, String> out = new LinkedHashMap<>();
        header.fields().forEachRemaining(e -> {
            String k = e.getKey();
            // chunk_size and part numbers are instructions, not headers; the client sets Host and length itself
            if (!k.equals("chunk_size") && !k.chars().allMatch(Character::isDigit)
                    && !k.equalsIgnoreCase("host") && !k.equalsIgnoreCase("content-length")) {
                out.put(k, e.getValue().asText());
            }
        });
        return out;
    }

    /** A body of {@code length} bytes from {@code offset}, streamed, with a known Content-Length. */
    private static HttpRequest.BodyPublisher publisher(UploadFile file, long offset, long length) {
        if (file.source() != null && offset == 0 && length == file.size()) {
            try {
                return HttpRequest.BodyPublishers.ofFile(file.source());
            } catch (java.io.FileNotFoundException e) {
                throw new UncheckedIOException(e);
            }
        }
        return HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> {
            try {
                InputStream in = file.open();
                in.skipNBytes(offset);
                return new BoundedInputStream(in, length);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }), length);
    }

    /** Reads at most {@code limit} bytes of the wrapped stream. */
    private static final class BoundedInputStream extends InputStream {
        private final InputStream in;
        private long left;

        BoundedInputStream(InputStream in, long limit) {
            this.in = in;
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = in.read(buf, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
