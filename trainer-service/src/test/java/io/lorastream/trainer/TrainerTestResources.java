package io.lorastream.trainer;

import io.lorastream.testing.KafkaBrokerResource;
import io.lorastream.testing.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;

/** Real Kafka (in-JVM KRaft) and real PostgreSQL for every trainer test. */
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false,
        initArgs = @ResourceArg(name = "database", value = "lorastream_trainer"))
public class TrainerTestResources {}
