package io.lorastream.inference.rest;

/** Invalid input on a REST call (400 problem). */
public class BadRequestProblem extends RuntimeException {
    private final String title;

    public BadRequestProblem(String title, String detail) {
        super(detail);
        this.title = title;
    }

    public String title() {
        return title;
    }
}
