package io.lorastream.ingest.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lorastream.contracts.ContractJson;
import io.lorastream.contracts.HyperParameters;
import io.lorastream.contracts.Topics;
import io.lorastream.contracts.TrainingRequest;
import io.lorastream.ingest.Ingests;
import io.lorastream.ingest.MalformedCorpus;
import io.lorastream.ingest.TopicContents;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.restassured.http.ContentType;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** POST /datasets/{id}/training-requests: overrides checked up front, then a TrainingRequest on Kafka. */
@QuarkusTest
class TrainingRequestResourceTest {
    @InjectKafkaCompanion
    KafkaCompanion companion;

    private static String sealedDataset(String rows) {
        String id = given().contentType("text/csv").body(MalformedCorpus.utf8(rows))
                .post("/datasets/upload?format=csv").then().statusCode(202).extract().path("id");
        Ingests.awaitSealed(id);
        return id;
    }

    private List<TrainingRequest> published(String datasetId) {
        return TopicContents.withKey(companion, Topics.TRAINING_REQUESTS, datasetId).stream()
                .map(r -> ContractJson.read(r.value(), TrainingRequest.class)).toList();
    }

    @Test
    void publishesARequestWithTheOverridesOverTheReferenceDefaults() {
        String id = sealedDataset("good,positive\nbad,negative\nso-so,neutral\n");
        String requestId = given().contentType(ContentType.JSON)
                .body(Map.of("baseModel", "/models/stories260K",
                        "hyperParameters", Map.of("loraR", 8, "maxSteps", 10, "targetModules", List.of("q", "v"))))
                .when().post("/datasets/" + id + "/training-requests")
                .then().statusCode(202)
                .body("datasetId", equalTo(id)).body("hyperParameters.loraR", equalTo(8))
                .extract().path("requestId");

        List<TrainingRequest> onKafka = published(id);
        assertEquals(1, onKafka.size());
        TrainingRequest r = onKafka.get(0);
        assertEquals(requestId, r.requestId());
        assertEquals("/models/stories260K", r.baseModel());
        HyperParameters hp = r.hyperParameters();
        assertEquals(8, hp.loraR());
        assertEquals(10, hp.maxSteps());
        assertEquals(List.of("q_proj", "v_proj"), hp.targetModules());
        assertEquals(HyperParameters.defaults().learningRate(), hp.learningRate());

        // no body at all: the reference run's settings and the trainer's default model
        given().contentType(ContentType.JSON).post("/datasets/" + id + "/training-requests").then().statusCode(202);
        TrainingRequest plain = published(id).get(1);
        assertEquals(HyperParameters.defaults(), plain.hyperParameters());
        assertEquals(null, plain.baseModel());
        given().get("/q/metrics").then().body(containsString("lorastream_ingest_training_requests_total"));
    }

    @Test
    void invalidOverridesAre400sWithEveryReasonAndNothingIsPublished() {
        String id = sealedDataset("fine,positive\nokay,neutral\n");
        String path = "/datasets/" + id + "/training-requests";
        given().contentType(ContentType.JSON).body(Map.of("hyperParameters", Map.of("loraRank", 8)))
                .post(path).then().statusCode(400).contentType(containsString("application/problem+json"))
                .body("detail", containsString("unknown hyper-parameter 'loraRank'"));
        given().contentType(ContentType.JSON)
                .body(Map.of("hyperParameters", Map.of("loraR", -1, "learningRate", 0, "targetModules", List.of("mlp"))))
                .post(path).then().statusCode(400)
                .body("errors.size()", equalTo(3))
                .body("errors", hasItem("hyperParameters: loraR must be > 0, was -1"))
                .body("errors", hasItem(containsString("unknown target module 'mlp_proj'")));
        given().contentType(ContentType.JSON).body(Map.of("hyperParameters", Map.of("maxSteps", "lots")))
                .post(path).then().statusCode(400).body("detail", containsString("invalid hyper-parameters"));
        given().contentType(ContentType.JSON).body(Map.of("hyperparameters", Map.of()))
                .post(path).then().statusCode(400).body("detail", containsString("hyperparameters: unknown field"));
        given().contentType(ContentType.JSON).body("{\"hyperParameters\": ")
                .post(path).then().statusCode(400).body("title", equalTo("Malformed JSON body"));
        assertEquals(0, published(id).size());
    }

    @Test
    void unknownOrUnsealedDatasetsAre404And409() {
        given().contentType(ContentType.JSON).post("/datasets/ds-00000000000000000000/training-requests")
                .then().statusCode(404).body("type", equalTo("urn:lorastream:problem:dataset-not-found"));
        String failed = given().contentType("text/csv").body(MalformedCorpus.utf8(",positive\n"))
                .post("/datasets/upload?format=csv").then().statusCode(202).extract().path("id");
        assertEquals("FAILED", Ingests.awaitFinished(failed).getString("status"));
        given().contentType(ContentType.JSON).post("/datasets/" + failed + "/training-requests")
                .then().statusCode(409).body("detail", containsString("is FAILED"));
    }
}
