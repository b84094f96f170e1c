package io.lorastream.trainer.messaging;

import io.lorastream.trainer.domain.Dataset;
import io.lorastream.trainer.service.DatasetIntake;
import io.lorastream.trainer.service.RunService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * After records or a seal arrived: checks whether the dataset is now complete (then its waiting runs
 * are queued) or contradicts its seal (then the seal is dead-lettered and the waiting runs fail).
 */
@ApplicationScoped
public class DatasetCompletion {
    @Inject
    DatasetIntake intake;

    @Inject
    RunService runs;

    @Inject
    DeadLetters deadLetters;

    public void check(String datasetId) {
        DatasetIntake.Check check = intake.checkComplete(datasetId);
        if (check == null) {
            return;
        }
        if (check.rejectedSeal() != null) {
            var seal = check.rejectedSeal();
            deadLetters.send(seal.received().topic(), seal.received().key(), seal.received().value(),
                    seal.received().source(), seal.reason());
            runs.datasetInvalid(datasetId, seal.reason());
        } else if (check.status() == Dataset.Status.COMPLETE) {
            runs.datasetComplete(datasetId);
        }
    }
}
