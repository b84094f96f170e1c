package io.lorastream.ingest.service;

import io.lorastream.contracts.Digests;
import io.lorastream.contracts.PromptTemplate;
import java.nio.charset.StandardCharsets;

/**
 * Dataset ids are derived, not drawn: {@code ds-} and the first 20 hex digits of SHA-256 over the source,
 * the normalized parameters and the prompt template. The same source with the same parameters always
 * gets the same id, which is what makes re-ingesting idempotent.
 */
public final class DatasetIds {
    private static final String SCHEME = "lorastream-dataset/v1";

    private DatasetIds() {}

    public static String of(SourceRef source, IngestParameters parameters) {
        String canonical = SCHEME + "\n" + source.kind().wireName() + "\n" + source.location() + "\n"
                + parameters.canonical() + "\n" + PromptTemplate.ID;
        return "ds-" + Digests.sha256(canonical.getBytes(StandardCharsets.UTF_8)).substring(0, 20);
    }
}
