package io.lorastream.inference.rest;

import io.lorastream.inference.domain.AdapterInfo;
import java.util.List;

/** GET /adapters: what serves now, what is in memory, and every registered adapter with status and metrics. */
public record AdapterRegistryView(
        String active,
        String policy,
        int keepLoaded,
        List<String> loaded,
        String baseModel,
        String baseModelSha256,
        List<AdapterInfo> adapters) {}
