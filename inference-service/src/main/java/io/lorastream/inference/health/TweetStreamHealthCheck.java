package io.lorastream.inference.health;

import io.lorastream.inference.messaging.TweetStream;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * The Kafka tweet loop (plain Kafka client, so SmallRye's channel checks do not see it): ready while it
 * runs; not live once it died, so the orchestrator restarts the pod instead of leaving tweets unread.
 */
@Readiness
@Liveness
@ApplicationScoped
public class TweetStreamHealthCheck implements HealthCheck {
    public static final String NAME = "lorastream tweet stream";

    private final TweetStream stream;

    public TweetStreamHealthCheck(TweetStream stream) {
        this.stream = stream;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named(NAME).withData("state", stream.state().name());
        stream.failure().ifPresent(f -> b.withData("error", f));
        return switch (stream.state()) {
            case RUNNING, DISABLED -> b.up().withData("assignedPartitions", stream.assignedPartitions()).build();
            case NOT_STARTED -> b.status(true).build(); // still starting: the model check holds readiness DOWN
            case FAILED, STOPPED -> b.down().build();
        };
    }
}
