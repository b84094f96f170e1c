package io.lorastream.ingest.rest;

import io.lorastream.ingest.domain.Dataset;
import io.lorastream.ingest.domain.DatasetStatus;
import io.lorastream.ingest.service.DatasetNotFoundException;
import io.lorastream.ingest.service.DatasetStore;
import io.lorastream.ingest.service.IngestService;
import io.lorastream.ingest.service.InvalidRequestException;
import io.lorastream.ingest.service.SamplingOptions;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * Datasets: start an ingest (TweetEval directory or URL, or an uploaded body), list them, read one's
 * report. Starting answers 202 with a Location while the ingest runs, or 200 with the existing report
 * when the same source and parameters were sealed before.
 */
@Path("/datasets")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "datasets")
public class DatasetResource {
    private static final int MAX_LIST = 1000;

    @Inject
    IngestService ingest;

    @Inject
    DatasetStore store;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Ingest a TweetEval dataset from a directory or a base URL")
    public Response start(IngestRequest request, UriInfo uri) {
        IngestRequest r = request == null ? new IngestRequest(null, null, null) : request;
        IngestService.Submission s = ingest.startTweetEval(r.source() == null ? null : r.source().dir(),
                r.source() == null ? null : r.source().url(), r.options());
        return answer(s, uri);
    }

    @POST
    @Path("/upload")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Ingest an uploaded JSONL or CSV body (text,label[,split]), read as it streams")
    public Response upload(@RestQuery String format, @RestQuery String split, @RestQuery String splits,
            @RestQuery String trainSize, @RestQuery String validationSize, @RestQuery String testSize,
            @RestQuery String stratified, @RestQuery String seed, @RestQuery String all,
            @RestHeader("Content-Length") String contentLength, InputStream body, UriInfo uri) throws IOException {
        List<String> errors = new ArrayList<>();
        SamplingOptions options = new SamplingOptions(
                splits == null || splits.isBlank() ? null : Arrays.stream(splits.split(",")).map(String::strip).toList(),
                integer("trainSize", trainSize, errors), integer("validationSize", validationSize, errors),
                integer("testSize", testSize, errors), bool("stratified", stratified, errors),
                longValue("seed", seed, errors), bool("all", all, errors));
        if (format == null || format.isBlank()) {
            errors.add("format: required, jsonl or csv");
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        long length = -1;
        try {
            length = contentLength == null ? -1 : Long.parseLong(contentLength.strip());
        } catch (NumberFormatException ignored) {
            // chunked or odd: progress just lacks a total
        }
        return answer(ingest.startUpload(format, split, options, body == null ? InputStream.nullInputStream() : body,
                length), uri);
    }

    @GET
    @Operation(summary = "Datasets, newest first")
    public List<DatasetSummary> list(@RestQuery String status, @RestQuery Integer limit) {
        DatasetStatus wanted = null;
        if (status != null && !status.isBlank()) {
            try {
                wanted = DatasetStatus.valueOf(status.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException("status must be one of " + Arrays.toString(DatasetStatus.values()));
            }
        }
        int n = limit == null ? 100 : limit;
        if (n < 1 || n > MAX_LIST) {
            throw new InvalidRequestException("limit must be between 1 and " + MAX_LIST);
        }
        return store.list(wanted, n).stream().map(DatasetSummary::of).toList();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A dataset's report: counts, rejects with line numbers and reasons, progress")
    public DatasetReport get(@RestPath String id) {
        Dataset d = store.find(id).orElseThrow(() -> new DatasetNotFoundException(id));
        return DatasetReport.of(d, store.rejects(id));
    }

    private Response answer(IngestService.Submission s, UriInfo uri) {
        Dataset d = s.dataset();
        Response.Status status = d.status == DatasetStatus.SEALED && !s.started() ? Response.Status.OK
                : Response.Status.ACCEPTED;
        return Response.status(status)
                .location(uri.getBaseUriBuilder().path("datasets").path(d.id).build())
                .entity(DatasetReport.of(d, List.of()))
                .build();
    }

    private static Integer integer(String name, String value, List<String> errors) {
        Long v = longValue(name, value, errors);
        if (v != null && (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE)) {
            errors.add(name + ": out of range");
            return null;
        }
        return v == null ? null : v.intValue();
    }

    private static Long longValue(String name, String value, List<String> errors) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            errors.add(name + ": not a number: '" + value + "'");
            return null;
        }
    }

    private static Boolean bool(String name, String value, List<String> errors) {
        if (value == null || value.isBlank()) {
            return null;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> {
                errors.add(name + ": expected true or false, was '" + value + "'");
                yield null;
            }
        };
    }
}
