package io.lorastream.trainer.rest;

import io.lorastream.hub.HubException;
import io.lorastream.trainer.service.InvalidRequestException;
import io.lorastream.trainer.service.PublishConflictException;
import io.lorastream.trainer.service.RunFinishedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Maps failures to problem bodies. */
public class ProblemMapper {

    @ServerExceptionMapper
    public Response invalidRequest(InvalidRequestException e) {
        return Problem.response(Response.Status.BAD_REQUEST, e.getMessage(), e.problems());
    }

    @ServerExceptionMapper
    public Response conflict(RunFinishedException e) {
        return Problem.response(Response.Status.CONFLICT, e.getMessage());
    }

    @ServerExceptionMapper
    public Response publishConflict(PublishConflictException e) {
        return Problem.response(Response.Status.CONFLICT, e.getMessage());
    }

    /**
     * A Hub publication that failed (nothing was published): our request's fault is a 4xx, the Hub refusing
     * or not confirming is a 502, the Hub or the network being unavailable a 503 (worth retrying later).
     */
    @ServerExceptionMapper
    public Response hub(HubException e) {
        int status = switch (e.kind()) {
            case INVALID_ARGUMENT -> 400;
            case CONFLICT -> 409;
            case NO_ADAPTER -> 422;
            case NETWORK, SERVER -> 503;
            case UNAUTHORIZED, NOT_FOUND, REJECTED, NOT_CONFIRMED, INTEGRITY, UNSUPPORTED -> 502;
        };
        String title = switch (status) {
            case 400 -> "Bad Request";
            case 409 -> "Conflict";
            case 422 -> "Unprocessable Content";
            case 503 -> "Service Unavailable";
            default -> "Bad Gateway";
        };
        return Problem.response(status, title, e.detail(), null, e.kind().name());
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e) {
        return Problem.response(Response.Status.NOT_FOUND, e.getMessage());
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        Response.Status status = Response.Status.fromStatusCode(e.getResponse().getStatus());
        if (status == null || e.getResponse().getStatus() >= 500) {
            return e.getResponse();
        }
        return Problem.response(status, e.getMessage());
    }
}
