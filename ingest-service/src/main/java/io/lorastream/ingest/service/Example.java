package io.lorastream.ingest.service;

import io.lorastream.contracts.SentimentLabel;
import io.lorastream.contracts.Split;

/** A validated row: stripped tweet text and its label, with the line it came from. */
public record Example(Split split, long line, String text, SentimentLabel label) {}
