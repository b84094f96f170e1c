package io.lorastream.hub;

import java.util.List;

/**
 * The account a token belongs to ({@code GET /api/whoami-v2}).
 *
 * @param type {@code user} or {@code org}
 * @param organizations names of the organizations the user belongs to
 * @param tokenRole the token's role ({@code read}, {@code write}, {@code fineGrained}) when the Hub says
 */
public record WhoAmI(String name, String type, List<String> organizations, String tokenRole) {
    public WhoAmI {
        organizations = List.copyOf(organizations);
    }
}
