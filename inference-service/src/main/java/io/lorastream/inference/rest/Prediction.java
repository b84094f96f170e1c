package io.lorastream.inference.rest;

import java.util.Map;

/** One classified text: the most probable label and every label's probability. */
public record Prediction(String label, Map<String, Double> probabilities) {}
