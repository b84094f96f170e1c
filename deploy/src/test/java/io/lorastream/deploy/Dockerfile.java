package io.lorastream.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Dockerfile read as instructions (continuation lines joined, comments dropped). */
record Dockerfile(Path path, List<String[]> instructions) {
    private static final Pattern ENV_PAIR = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"([^\"]*)\"|(\\S+))");

    static Dockerfile read(Path path) {
        List<String[]> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : RepoLayout.read(path).split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.isEmpty())) continue;
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            current.append(trimmed);
            String text = current.toString().strip();
            current.setLength(0);
            if (text.isEmpty()) continue;
            int space = text.indexOf(' ');
            instructions.add(new String[] {text.substring(0, space).toUpperCase(), text.substring(space + 1).strip()});
        }
        return new Dockerfile(path, instructions);
    }

    List<String> all(String instruction) {
        return instructions.stream().filter(i -> i[0].equals(instruction)).map(i -> i[1]).toList();
    }

    String single(String instruction) {
        List<String> found = all(instruction);
        if (found.size() != 1) throw new AssertionError(path + ": expected one " + instruction + ", found " + found);
        return found.get(0);
    }

    /** Every ENV pair, in order (later ones win). */
    Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        for (String args : all("ENV")) {
            Matcher m = ENV_PAIR.matcher(args);
            while (m.find()) env.put(m.group(1), m.group(3) != null ? m.group(3) : m.group(4));
        }
        return env;
    }
}
