package io.lorastream.inference;

import io.lorastream.inference.support.AdapterFileServer;
import io.lorastream.inference.support.FakeHubResource;
import io.lorastream.testing.KafkaBrokerResource;
import io.lorastream.testing.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;

/**
 * Real Kafka (in-JVM KRaft), real PostgreSQL, an HTTP server for adapters and a fake Hugging Face Hub, for every
 * inference test.
 */
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false,
        initArgs = @ResourceArg(name = "database", value = "lorastream_inference"))
@QuarkusTestResource(value = AdapterFileServer.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = FakeHubResource.class, restrictToAnnotatedClass = false)
public class InferenceTestResources {}
