package io.lorastream.hub;

import java.util.regex.Pattern;

/**
 * A Hub model repository {@code owner/name}. Both parts follow the Hub's rules: letters, digits,
 * {@code _ - .}, starting and ending with a letter, digit or {@code _}, no {@code --} or {@code ..},
 * at most 96 characters, the name not ending in {@code .git}. Validated here so that no request is
 * built from a string that could change its path.
 */
public record RepoId(String owner, String name) {
    private static final Pattern PART = Pattern.compile("[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?");

    public RepoId {
        check(owner, "owner");
        check(name, "name");
        if (name.endsWith(".git")) {
            throw invalid("repository name must not end with .git: '" + name + "'");
        }
    }

    /** Parses {@code owner/name}. */
    public static RepoId parse(String id) {
        if (id == null || id.isBlank()) {
            throw invalid("repository id is empty (expected owner/name)");
        }
        String s = id.strip();
        int slash = s.indexOf('/');
        if (slash < 0 || slash != s.lastIndexOf('/')) {
            throw invalid("repository id must be owner/name, was '" + s + "'");
        }
        return new RepoId(s.substring(0, slash), s.substring(slash + 1));
    }

    /** {@code owner/name}, as the Hub writes it in URLs (every character is URL-safe). */
    public String id() {
        return owner + "/" + name;
    }

    @Override
    public String toString() {
        return id();
    }

    private static void check(String part, String what) {
        if (part == null || part.isEmpty()) {
            throw invalid("repository " + what + " is empty");
        }
        if (part.length() > 96) {
            throw invalid("repository " + what + " is longer than 96 characters");
        }
        if (!PART.matcher(part).matches() || part.contains("--") || part.contains("..")) {
            throw invalid("repository " + what + " '" + part + "' may use letters, digits, '_', '-' and '.', must "
                    + "start and end with a letter, digit or '_', and must not contain '--' or '..'");
        }
    }

    private static HubException invalid(String message) {
        return new HubException(HubException.Kind.INVALID_ARGUMENT, message);
    }
}
