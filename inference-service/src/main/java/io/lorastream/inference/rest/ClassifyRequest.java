package io.lorastream.inference.rest;

import java.util.List;

/**
 * POST /classify: either {@code text} (one tweet) or {@code texts} (a batch), and optionally the
 * adapter to use ({@code id@version} or {@code base}; the active one when absent).
 */
public record ClassifyRequest(String text, List<String> texts, String adapter) {}
