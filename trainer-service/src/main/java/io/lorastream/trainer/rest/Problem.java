package io.lorastream.trainer.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * An RFC 9457 problem body: every 4xx of this service answers one, and so do the 5xx of Hub publications.
 *
 * @param kind for Hub failures, the {@code HubException} kind ({@code UNAUTHORIZED}, {@code NETWORK}, ...)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, List<String> problems, String kind) {
    public static final String MEDIA_TYPE = "application/problem+json";

    public static Response response(Response.Status status, String detail) {
        return response(status, detail, null);
    }

    public static Response response(Response.Status status, String detail, List<String> problems) {
        return response(status.getStatusCode(), status.getReasonPhrase(), detail, problems, null);
    }

    public static Response response(int status, String title, String detail, List<String> problems, String kind) {
        return Response.status(status)
                .type(MediaType.valueOf(MEDIA_TYPE))
                .entity(new Problem("about:blank", title, status, detail, problems, kind))
                .build();
    }
}
