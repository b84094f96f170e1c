package io.lorastream.trainer.rest;

import io.lorastream.trainer.service.InvalidRequestException;
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
