package io.lorastream.ingest.rest;

import io.lorastream.contracts.ContractJson;
import io.lorastream.contracts.TrainingRequest;
import io.lorastream.ingest.service.TrainingRequestService;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;

/** {@code POST /datasets/{id}/training-requests}: publish a TrainingRequest for a sealed dataset. */
@Path("/datasets/{id}/training-requests")
@Tag(name = "datasets")
public class TrainingRequestResource {

    /**
     * Optional body; hyper-parameters use the contract's JSON names ({@code loraR}, {@code learningRate},
     * {@code maxSteps}, ...) and override the reference run's defaults.
     */
    public record Body(String baseModel, Map<String, Object> hyperParameters) {}

    @Inject
    TrainingRequestService trainingRequests;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Ask the trainer to fine-tune on a sealed dataset; overrides are validated up front")
    public Response create(@RestPath String id, Body body) {
        TrainingRequest request = trainingRequests.request(id, body == null ? null : body.baseModel(),
                body == null ? null : body.hyperParameters());
        // the contract's own JSON, byte for byte what went to Kafka
        return Response.accepted(ContractJson.writeString(request)).build();
    }
}
