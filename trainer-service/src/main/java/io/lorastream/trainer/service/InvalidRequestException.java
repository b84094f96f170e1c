package io.lorastream.trainer.service;

import java.util.List;

/** A training request that cannot run as asked: dead-lettered from Kafka, a 400 over REST. */
public class InvalidRequestException extends RuntimeException {
    private final List<String> problems;

    public InvalidRequestException(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public InvalidRequestException(String problem) {
        this(List.of(problem));
    }

    public List<String> problems() {
        return problems;
    }
}
