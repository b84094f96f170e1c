package io.lorastream.trainer.service;

/**
 * A Kafka record as the services see it, independent of the client classes.
 *
 * @param source {@code topic/partition/offset}
 */
public record Received(String topic, String key, String value, String source) {}
