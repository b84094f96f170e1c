package io.lorastream.inference.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.ws.rs.core.Response;

/** An RFC 9457 problem body ({@code application/problem+json}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance) {
    public static final String MEDIA_TYPE = "application/problem+json";

    public static Response response(Response.Status status, String title, String detail) {
        return response(status.getStatusCode(), title, detail);
    }

    public static Response response(int status, String title, String detail) {
        String slug = title.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        return Response.status(status)
                .type(MEDIA_TYPE)
                .entity(new Problem("https://lorastream.io/problems/" + slug, title, status, detail, null))
                .build();
    }
}
