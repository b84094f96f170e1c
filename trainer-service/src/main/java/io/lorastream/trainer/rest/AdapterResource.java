package io.lorastream.trainer.rest;

import io.lorastream.trainer.domain.Checkpoint;
import io.lorastream.trainer.service.ArtifactStore;
import jakarta.transaction.Transactional;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Serves saved adapters, so inference replicas need no shared volume: only the two PEFT files of a
 * version, nothing else from the artifact store.
 */
@Path("/adapters")
public class AdapterResource {
    @Inject
    ArtifactStore artifacts;

    @GET
    @Path("/{adapterId}/{version}/{file}")
    @Operation(summary = "Download a PEFT file (adapter_config.json or adapter_model.safetensors) of an adapter version")
    public Response file(@PathParam("adapterId") String adapterId, @PathParam("version") String version,
            @PathParam("file") String file) {
        int v;
        try {
            v = Integer.parseInt(version);
        } catch (NumberFormatException e) {
            throw new NotFoundException("no adapter version '" + version + "'");
        }
        java.nio.file.Path path = artifacts.peftFile(adapterId, v, file)
                .filter(p -> recorded(adapterId, v)) // a folder a crash left unrecorded is not an adapter
                .orElseThrow(() -> new NotFoundException("no file '" + file + "' in adapter " + adapterId + "@" + version
                        + " (served: " + String.join(", ", ArtifactStore.PEFT_FILES.stream().sorted().toList()) + ")"));
        String type = file.endsWith(".json") ? MediaType.APPLICATION_JSON : MediaType.APPLICATION_OCTET_STREAM;
        return Response.ok(path.toFile(), type).build();
    }

    @Transactional
    boolean recorded(String adapterId, int version) {
        return Checkpoint.byVersion(adapterId, version) != null;
    }
}
