package io.lorastream.inference.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/** Placeholder consumer so readiness covers the Kafka channel; the inference issue replaces it. */
@ApplicationScoped
public class TweetConsumer {
    private static final Logger LOG = Logger.getLogger(TweetConsumer.class);

    @Incoming("tweets")
    public void onTweet(String json) {
        LOG.debugf("tweet received (%d chars)", json.length());
    }
}
