package io.lorastream.inference;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Without a loadable base model the service never reports ready, says why, and refuses to classify. */
@QuarkusTest
@TestProfile(ModelMissingTest.NoModel.class)
class ModelMissingTest {

    public static class NoModel implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lorastream.inference.model.path", "target/no-such-model");
        }
    }

    @Test
    void readinessStaysDownWithTheReasonAndClassifyAnswers503() {
        await().atMost(Duration.ofSeconds(60)).until(() -> given().get("/q/health/ready").asString()
                .contains("cannot load the base model"));
        given().get("/q/health/ready").then().statusCode(503)
                .body("status", equalTo("DOWN"))
                .body("checks.find { it.name == 'lorastream model' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == 'lorastream model' }.data.error", containsString("no-such-model"))
                .body("checks.find { it.name == 'lorastream tweet stream' }.data.state", equalTo("NOT_STARTED"));
        given().get("/q/health/live").then().statusCode(200);
        given().contentType("application/json").body(Map.of("text", "hello")).post("/classify")
                .then().statusCode(503).contentType("application/problem+json").body("title", equalTo("Not ready"));
    }
}
