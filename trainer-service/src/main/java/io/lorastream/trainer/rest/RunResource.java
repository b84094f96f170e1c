package io.lorastream.trainer.rest;

import io.lorastream.trainer.domain.Checkpoint;
import io.lorastream.trainer.domain.RunStatus;
import io.lorastream.trainer.domain.RunStep;
import io.lorastream.trainer.domain.TrainingRun;
import io.lorastream.trainer.service.HubPublisher;
import io.lorastream.trainer.service.RunService;
import io.lorastream.trainer.service.TrainingMetrics;
import io.quarkus.panache.common.Sort;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.core.Context;
import java.util.List;
import java.util.Locale;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Training runs: list, detail with the loss curve, cancel; and submitting a request over HTTP. */
@Path("/runs")
@Produces(MediaType.APPLICATION_JSON)
public class RunResource {
    @Inject
    RunService runs;

    @Inject
    TrainingMetrics metrics;

    @Inject
    HubPublisher publisher;

    @GET
    @Transactional
    @Operation(summary = "List runs, newest first; optionally only those in one status")
    public List<RunView> list(@QueryParam("status") String status) {
        List<TrainingRun> found;
        if (status == null || status.isBlank()) {
            found = TrainingRun.listAll(Sort.descending("createdAt"));
        } else {
            RunStatus s;
            try {
                s = RunStatus.valueOf(status.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new BadRequestException("unknown status '" + status + "' (one of " + List.of(RunStatus.values()) + ")");
            }
            found = TrainingRun.list("status", Sort.descending("createdAt"), s);
        }
        return found.stream().map(r -> RunView.summary(r, metrics.progress(r.id))).toList();
    }

    @GET
    @Path("/{id}")
    @Transactional
    @Operation(summary = "A run with its hyper-parameters, loss curve, checkpoints and live progress")
    public RunView get(@PathParam("id") String id) {
        TrainingRun run = TrainingRun.findById(id);
        if (run == null) {
            throw new NotFoundException("no run '" + id + "'");
        }
        return RunView.detail(run, metrics.progress(id), RunStep.ofRun(id), Checkpoint.ofRun(id));
    }

    @POST
    @Path("/{id}/cancel")
    @Operation(summary = "Cancel a run: a queued one at once, a running one at its next step; 409 if it already ended")
    public RunView cancel(@PathParam("id") String id) {
        TrainingRun run = runs.cancel(id);
        if (run == null) {
            throw new NotFoundException("no run '" + id + "'");
        }
        return RunView.summary(run, metrics.progress(id));
    }

    @POST
    @Path("/{id}/publish")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Publish a checkpoint's adapter (by default the run's final one) with a model card to a "
            + "Hugging Face Hub repository, creating it if needed; 200 with the hf:// URI of the confirmed commit")
    public HubPublisher.Published publish(@PathParam("id") String id, HubPublisher.PublishRequest request) {
        return publisher.publish(id, request);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Submit a TrainingRequest (as on lorastream.training-requests); 400 with the reasons if invalid")
    public Response submit(String json, @Context UriInfo uri) {
        TrainingRun run = runs.submit(RunService.parse(json));
        return Response.accepted(RunView.summary(run, null))
                .location(uri.getAbsolutePathBuilder().path(run.id).build()).build();
    }
}
