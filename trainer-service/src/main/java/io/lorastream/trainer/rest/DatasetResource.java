package io.lorastream.trainer.rest;

import io.lorastream.trainer.domain.Dataset;
import io.lorastream.trainer.domain.StoredRecord;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** What the trainer holds of a dataset: whether it is sealed and complete, and how many records arrived. */
@Path("/datasets")
@Produces(MediaType.APPLICATION_JSON)
public class DatasetResource {

    /** @param status null while records arrived but no seal yet */
    public record DatasetView(String datasetId, Dataset.Status status, Long recordCount, long recordsReceived,
            String sha256, String problem) {}

    @GET
    @Path("/{id}")
    @Transactional
    @Operation(summary = "A dataset's status (SEALED, COMPLETE, INVALID) and the records received so far")
    public DatasetView get(@PathParam("id") String id) {
        Dataset d = Dataset.findById(id);
        long received = StoredRecord.countOf(id);
        if (d == null && received == 0) {
            throw new NotFoundException("no dataset '" + id + "'");
        }
        return d == null ? new DatasetView(id, null, null, received, null, null)
                : new DatasetView(id, d.status, d.recordCount, received, d.sha256, d.problem);
    }
}
