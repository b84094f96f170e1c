package io.lorastream.inference;

import io.lorastream.inference.support.AdapterFileServer;
import io.lorastream.testing.KafkaBrokerResource;
import io.lorastream.testing.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;

/** Real Kafka (in-JVM KRaft), real PostgreSQL and an HTTP server for adapters, for every inference test. */
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false,
        initArgs = @ResourceArg(name = "database", value = "lorastream_inference"))
@QuarkusTestResource(value = AdapterFileServer.class, restrictToAnnotatedClass = false)
public class InferenceTestResources {}
