package io.lorastream.inference.service;

import io.lorastream.inference.domain.AdapterRef;

/** No adapter of that id@version is registered (REST: 404). */
public class UnknownAdapterException extends RuntimeException {
    public UnknownAdapterException(AdapterRef ref) {
        super("adapter " + ref + " is not registered");
    }
}
