package io.lorastream.inference.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.in;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.lorastream.contracts.SentimentLabel;
import io.lorastream.inference.support.Api;
import io.lorastream.inference.support.TestAdapters;
import io.lorastream.inference.support.TestKafka;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** POST /classify: one text or a batch, the active adapter or a pinned one; bad input gets a problem body. */
@QuarkusTest
class ClassifyResourceTest {
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void ready() {
        Api.awaitReady();
    }

    @Test
    void classifiesOneTextWithTheActiveAdapter() {
        String active = Api.active();
        given().contentType(ContentType.JSON).body(Map.of("text", "  what a lovely morning \n"))
                .post("/classify").then().statusCode(200)
                .body("label", in(SentimentLabel.texts()))
                .body("adapter", equalTo(active))
                .body("probabilities.keySet()", hasSize(3))
                .body("probabilities.values().sum()", closeTo(1.0, 1e-6))
                .body("latencyMs", notNullValue());
    }

    @Test
    void classifiesABatchInOrderAndHonoursAPin() {
        given().contentType("application/json").body("{\"policy\":\"always\"}").put("/adapters/policy").then().statusCode(200);
        String id = "pin-" + run;
        TestKafka.checkpoint(TestAdapters.event(id, 1, TestAdapters.create(id, 42), 0.5));
        Api.awaitActive(id + "@1");
        List<String> texts = List.of("I hate mondays", "lunch was fine", "best concert of my life!!");
        List<Map<String, Number>> pinned = Api.classify(texts, id + "@1");
        List<Map<String, Number>> base = Api.classify(texts, "base");
        assertEquals(3, pinned.size());
        assertNotEquals(pinned, base, "the adapter changes the probabilities");
        // unpinned = the active adapter; one at a time = the same as in a batch
        for (int i = 0; i < texts.size(); i++) {
            Map<String, Number> single = given().contentType(ContentType.JSON).body(Map.of("text", texts.get(i)))
                    .post("/classify").then().statusCode(200).body("adapter", equalTo(id + "@1"))
                    .extract().jsonPath().getMap("probabilities");
            for (String label : SentimentLabel.texts()) {
                assertEquals(pinned.get(i).get(label).doubleValue(), single.get(label).doubleValue(), 1e-5);
            }
        }
        given().contentType(ContentType.JSON).body(Map.of("texts", texts, "adapter", "base"))
                .post("/classify").then().statusCode(200).body("adapter", equalTo("base")).body("results", hasSize(3));
    }

    @Test
    void badInputGetsProblemBodies() {
        post(Map.of()).then().statusCode(400).contentType(Problem.MEDIA_TYPE)
                .body("detail", containsString("exactly one of 'text' or 'texts'"));
        post(Map.of("text", "a", "texts", List.of("b"))).then().statusCode(400);
        post(Map.of("texts", List.of())).then().statusCode(400).body("detail", containsString("empty"));
        post(Map.of("text", "   ")).then().statusCode(400).body("title", equalTo("Empty text"));
        post(Map.of("texts", List.of("ok", " "))).then().statusCode(400).body("detail", containsString("texts[1]"));
        post(Map.of("text", "x".repeat(4097))).then().statusCode(400).body("title", equalTo("Text too long"));
        post(Map.of("texts", java.util.Collections.nCopies(257, "a"))).then().statusCode(400)
                .body("title", equalTo("Batch too large"));
        post(Map.of("text", "a", "adapter", "no-version")).then().statusCode(400).body("title", equalTo("Invalid adapter"));
        post(Map.of("text", "a", "adapter", "never-" + run + "@1")).then().statusCode(404)
                .body("title", equalTo("Unknown adapter"));
        given().contentType(ContentType.JSON).body("{\"text\": 12").post("/classify").then().statusCode(400)
                .contentType(Problem.MEDIA_TYPE);
        given().contentType(ContentType.JSON).body("[1,2]").post("/classify").then().statusCode(400)
                .contentType(Problem.MEDIA_TYPE);
    }

    private static io.restassured.response.Response post(Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body).post("/classify");
    }
}
