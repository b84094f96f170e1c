package io.lorastream.inference.service;

import io.lorastream.inference.domain.AdapterRef;
import io.lorastream.llm.LoraAdapter;

/**
 * An adapter in memory with a count of batches using it: eviction retires it, and its native memory
 * is freed when the last batch that leased it is done, never under a running forward.
 */
final class LoadedAdapter {
    private final AdapterRef ref;
    private final LoraAdapter adapter;
    private int users;
    private boolean retired;

    LoadedAdapter(AdapterRef ref, LoraAdapter adapter) {
        this.ref = ref;
        this.adapter = adapter;
    }

    AdapterRef ref() {
        return ref;
    }

    LoraAdapter adapter() {
        return adapter;
    }

    synchronized boolean acquire() {
        if (retired) {
            return false;
        }
        users++;
        return true;
    }

    synchronized void release() {
        if (--users == 0 && retired) {
            adapter.close();
        }
    }

    synchronized void retire() {
        if (!retired) {
            retired = true;
            if (users == 0) {
                adapter.close();
            }
        }
    }
}
