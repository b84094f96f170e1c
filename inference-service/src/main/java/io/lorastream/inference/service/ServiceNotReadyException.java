package io.lorastream.inference.service;

/** The base model or the registry is not loaded yet (REST: 503). */
public class ServiceNotReadyException extends RuntimeException {
    public ServiceNotReadyException(String message) {
        super(message);
    }
}
