package io.lorastream.ingest.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.lorastream.ingest.service.DatasetNotFoundException;
import io.lorastream.ingest.service.DatasetNotSealedException;
import io.lorastream.ingest.service.InvalidRequestException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error leaves as a problem body; only the unexpected ones are logged with a stack trace. */
public class ProblemMapper {
    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    @ServerExceptionMapper
    public Response invalid(InvalidRequestException e) {
        return Problem.response(400, "invalid-request", "Invalid request", e.getMessage(), e.errors());
    }

    @ServerExceptionMapper
    public Response notFound(DatasetNotFoundException e) {
        return Problem.response(404, "dataset-not-found", "Dataset not found", e.getMessage(), null);
    }

    @ServerExceptionMapper
    public Response notSealed(DatasetNotSealedException e) {
        return Problem.response(409, "dataset-not-sealed", "Dataset not sealed", e.getMessage(), null);
    }

    /** Wrong types and unknown fields; replaces Quarkus' built-in mapper so the answer is a problem body too. */
    @ServerExceptionMapper
    public Response mismatchedJson(MismatchedInputException e) {
        String field = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
        String reason = e instanceof UnrecognizedPropertyException ? "unknown field"
                : e instanceof InvalidFormatException f ? "cannot read '" + f.getValue() + "' as "
                        + f.getTargetType().getSimpleName()
                : e.getOriginalMessage();
        return Problem.response(400, "malformed-json", "Malformed JSON body",
                (field.isEmpty() ? "" : field + ": ") + reason, null);
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e) {
        return Problem.response(400, "malformed-json", "Malformed JSON body", e.getOriginalMessage(), null);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        Throwable cause = e.getCause();
        if (cause instanceof JsonProcessingException json) {
            return malformedJson(json);
        }
        String title = Response.Status.fromStatusCode(status) != null
                ? Response.Status.fromStatusCode(status).getReasonPhrase() : "HTTP " + status;
        String detail = cause != null && cause.getMessage() != null ? cause.getMessage() : e.getMessage();
        return Problem.response(status, "http-" + status, title, detail, null);
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        LOG.error("unexpected error serving a request", e);
        return Problem.response(500, "internal-error", "Internal error",
                e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), List.of());
    }
}
