package io.lorastream.inference.rest;

/** PUT /adapters/policy body and answer: {@code always}, {@code if-better} or {@code manual}. */
public record PolicyView(String policy) {}
