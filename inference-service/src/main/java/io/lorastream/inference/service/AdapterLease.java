package io.lorastream.inference.service;

import io.lorastream.inference.domain.AdapterRef;
import io.lorastream.llm.LoraAdapter;

/**
 * The adapter one micro-batch (or REST call) runs with. Taken once per batch, so a swap never lands in
 * the middle of one; close it when the batch is classified.
 */
public final class AdapterLease implements AutoCloseable {
    private final AdapterRef ref;
    private final LoadedAdapter loaded;

    AdapterLease(AdapterRef ref, LoadedAdapter loaded) {
        this.ref = ref;
        this.loaded = loaded;
    }

    static AdapterLease base() {
        return new AdapterLease(AdapterRef.BASE, null);
    }

    /** What results of this batch name: {@code id@version} or {@code base}. */
    public AdapterRef ref() {
        return ref;
    }

    /** The adapter for the forward, null for the base model. */
    public LoraAdapter adapter() {
        return loaded == null ? null : loaded.adapter();
    }

    @Override
    public void close() {
        if (loaded != null) {
            loaded.release();
        }
    }
}
