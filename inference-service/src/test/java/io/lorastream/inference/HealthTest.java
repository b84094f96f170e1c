package io.lorastream.inference;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

import io.lorastream.inference.support.Api;
import io.lorastream.inference.support.TestAdapters;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** The service boots against the real broker and database, loads the model and reports ready. */
@QuarkusTest
class HealthTest {

    @Test
    void readinessIsUpWithModelKafkaAndDatabase() {
        Api.awaitReady();
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("lorastream model"))
                .body("checks.name", hasItem("lorastream tweet stream"))
                .body("checks.find { it.name == 'lorastream model' }.data.baseModelSha256",
                        equalTo(TestAdapters.baseModelSha256()))
                .body("checks.find { it.name == 'lorastream tweet stream' }.data.state", equalTo("RUNNING"))
                .body(containsString("Database connections health check"))
                .body(containsString("SmallRye Reactive Messaging"));
    }

    @Test
    void livenessCoversTheTweetLoop() {
        Api.awaitReady();
        given().when().get("/q/health/live").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("lorastream tweet stream"));
    }

    @Test
    void metricsAndOpenApiAreServed() {
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("lorastream_inference_active_version"))
                .body(containsString("lorastream_inference_classify_latency_seconds_bucket"));
        given().when().get("/q/openapi?format=json").then().statusCode(200)
                .body("paths.'/classify'", notNullValue())
                .body("paths.'/adapters/rollback'", notNullValue());
    }
}
