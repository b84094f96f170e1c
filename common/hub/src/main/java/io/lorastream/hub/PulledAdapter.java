package io.lorastream.hub;

import java.nio.file.Path;
import java.util.Map;

/**
 * A PEFT adapter pulled from the Hub into the local cache, verified file by file.
 *
 * @param requested the URI as given ({@code @main} when it named no revision)
 * @param resolved the same adapter pinned to the commit the revision resolved to
 * @param folder the local folder holding {@code adapter_config.json} and {@code adapter_model.safetensors}
 * @param sha256ByFile sha256 of each pulled file, by file name
 * @param fromCache true when the files were already in the cache (and re-verified) and nothing was fetched
 */
public record PulledAdapter(HfUri requested, HfUri resolved, Path folder, Map<String, String> sha256ByFile,
        boolean fromCache) {
    public PulledAdapter {
        sha256ByFile = Map.copyOf(sha256ByFile);
    }

    public String commitSha() {
        return resolved.revision();
    }
}
