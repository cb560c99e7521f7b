package io.tidegate.http;

/** The authenticated caller of a /v1 request. */
public record Channel(String name) {
}
