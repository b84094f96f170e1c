package io.lorastream.inference.rest;

import io.lorastream.contracts.CheckpointMetrics;

/**
 * POST /adapters: an adapter by URI ({@code file:}, {@code http(s):} or {@code hf://owner/name}).
 *
 * @param adapterId defaults to the URI's last path segment
 * @param version defaults to the next version of that id
 * @param sha256 expected Digests.adapterSha256; when absent the fetched files' digest is recorded as is
 * @param baseModelSha256 the base model it was trained on; when absent only targets and shapes are checked
 * @param metrics validation metrics, used by the if-better policy
 */
public record RegisterAdapterRequest(
        String uri,
        String adapterId,
        Integer version,
        String sha256,
        String baseModelId,
        String baseModelSha256,
        CheckpointMetrics metrics) {}
