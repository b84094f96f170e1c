package io.lorastream.inference.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.lorastream.inference.service.AdapterStateException;
import io.lorastream.inference.service.ServiceNotReadyException;
import io.lorastream.inference.service.UnknownAdapterException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every 4xx/5xx of this API answers with a problem body, never an empty page or a stack trace. */
public class ProblemMappers {

    @ServerExceptionMapper
    public Response badRequest(BadRequestProblem e) {
        return Problem.response(Response.Status.BAD_REQUEST, e.title(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response unknownAdapter(UnknownAdapterException e) {
        return Problem.response(Response.Status.NOT_FOUND, "Unknown adapter", e.getMessage());
    }

    @ServerExceptionMapper
    public Response adapterState(AdapterStateException e) {
        return Problem.response(Response.Status.CONFLICT, "Adapter state conflict", e.getMessage());
    }

    @ServerExceptionMapper
    public Response notReady(ServiceNotReadyException e) {
        return Problem.response(Response.Status.SERVICE_UNAVAILABLE, "Not ready", e.getMessage());
    }

    /** Needed beside malformedJson: Quarkus's own mapper for this subtype would otherwise win (no problem body). */
    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e) {
        return Problem.response(Response.Status.BAD_REQUEST, "Malformed request body", e.getOriginalMessage());
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e) {
        return Problem.response(Response.Status.BAD_REQUEST, "Malformed request body", e.getOriginalMessage());
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        Response r = e.getResponse();
        if (r.hasEntity()) {
            return r;
        }
        return Problem.response(r.getStatus(), r.getStatusInfo().getReasonPhrase(), e.getMessage());
    }
}
