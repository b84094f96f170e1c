package io.lorastream.ingest.service;

import io.lorastream.contracts.ContractException;
import io.lorastream.contracts.HyperParameters;
import io.lorastream.contracts.TrainingRequest;
import io.lorastream.ingest.domain.Dataset;
import io.lorastream.ingest.domain.DatasetStatus;
import io.lorastream.ingest.messaging.TrainingRequestPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Asks for a training run on a sealed dataset. Hyper-parameter overrides are checked here, before
 * anything is published, so a bad value is a 400 to the caller rather than a failed run later.
 */
@ApplicationScoped
public class TrainingRequestService {
    private static final Logger LOG = Logger.getLogger(TrainingRequestService.class);

    @Inject
    DatasetStore store;
    @Inject
    TrainingRequestPublisher publisher;
    @Inject
    IngestMetrics metrics;

    /**
     * @param overrides hyper-parameters by their JSON names; null or empty for the reference defaults
     * @throws DatasetNotFoundException, DatasetNotSealedException, InvalidRequestException
     */
    public TrainingRequest request(String datasetId, String baseModel, Map<String, Object> overrides) {
        Dataset dataset = store.find(datasetId).orElseThrow(() -> new DatasetNotFoundException(datasetId));
        if (dataset.status != DatasetStatus.SEALED) {
            throw new DatasetNotSealedException(datasetId, dataset.status);
        }
        HyperParameters hp;
        try {
            hp = overrides == null || overrides.isEmpty() ? HyperParameters.defaults()
                    : HyperParameters.defaults().with(overrides);
        } catch (ContractException e) {
            throw new InvalidRequestException("hyperParameters: " + e.getMessage());
        }
        List<String> problems = hp.problems();
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(problems.stream().map(p -> "hyperParameters: " + p).toList());
        }
        TrainingRequest request = TrainingRequest.of("tr-" + UUID.randomUUID(), datasetId,
                baseModel == null || baseModel.isBlank() ? null : baseModel.strip(), hp);
        publisher.publish(request);
        metrics.trainingRequest();
        LOG.infof("%s: training request %s published (%d steps, r %d, lr %s)", datasetId, request.requestId(),
                hp.maxSteps(), hp.loraR(), hp.learningRate());
        return request;
    }
}
