package io.lorastream.ingest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/** Starting ingests over REST and waiting for them to finish, as a client would. */
public final class Ingests {
    private Ingests() {}

    /** POST /datasets, expecting 202 Accepted with a Location; returns the datasetId. */
    public static String start(Object body) {
        return given().contentType(ContentType.JSON).body(body)
                .when().post("/datasets")
                .then().statusCode(202).header("Location", org.hamcrest.Matchers.containsString("/datasets/ds-"))
                .extract().path("id");
    }

    /** Polls GET /datasets/{id} until it is SEALED or FAILED and returns that report. */
    public static JsonPath awaitFinished(String id) {
        AtomicReference<JsonPath> last = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> {
            JsonPath report = given().get("/datasets/" + id).then().statusCode(200).extract().jsonPath();
            last.set(report);
            return Set.of("SEALED", "FAILED").contains(report.getString("status"));
        });
        return last.get();
    }

    public static JsonPath awaitSealed(String id) {
        JsonPath report = awaitFinished(id);
        if (!"SEALED".equals(report.getString("status"))) {
            throw new AssertionError(id + " is " + report.getString("status") + ": " + report.getString("error"));
        }
        return report;
    }
}
