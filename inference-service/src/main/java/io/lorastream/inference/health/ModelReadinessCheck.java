package io.lorastream.inference.health;

import io.lorastream.inference.service.AdapterManager;
import io.lorastream.inference.service.InferenceLifecycle;
import io.lorastream.inference.service.ModelService;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready only once the base model is loaded and the registry's active adapter is back in memory. */
@Readiness
@ApplicationScoped
public class ModelReadinessCheck implements HealthCheck {
    public static final String NAME = "lorastream model";

    private final ModelService model;
    private final AdapterManager adapters;
    private final InferenceLifecycle lifecycle;

    public ModelReadinessCheck(ModelService model, AdapterManager adapters, InferenceLifecycle lifecycle) {
        this.model = model;
        this.adapters = adapters;
        this.lifecycle = lifecycle;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named(NAME);
        if (model.failure().isPresent()) {
            return b.down().withData("error", model.failure().get()).build();
        }
        if (!model.isLoaded()) {
            return b.down().withData("state", "loading the base model").build();
        }
        b.withData("model", model.modelId()).withData("baseModelSha256", model.baseModelSha256());
        if (!adapters.isRestored() || !lifecycle.isReady()) {
            return b.down().withData("state", "restoring the active adapter").build();
        }
        return b.up()
                .withData("activeAdapter", adapters.activeRef().toString())
                .withData("policy", adapters.policy().text())
                .withData("loadedAdapters", adapters.loadedRefs().size())
                .build();
    }
}
