package io.lorastream.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The settings a service reads, as environment variable names: its {@code @ConfigMapping} interfaces
 * (read from source: methods become kebab-case properties, nested interfaces become groups) and the
 * {@code ${VAR}} references of its application.properties. Quarkus maps a variable to a property by
 * upper-casing it and turning every other character into '_'.
 */
final class ServiceSettings {
    private static final Pattern PREFIX = Pattern.compile("@ConfigMapping\\(\\s*prefix\\s*=\\s*\"([^\"]+)\"");
    private static final Pattern INTERFACE = Pattern.compile("^\\s*(?:public\\s+)?interface\\s+(\\w+)");
    private static final Pattern METHOD = Pattern.compile("^\\s*([\\w.]+(?:<[\\w.<>, ?]+>)?)\\s+(\\w+)\\(\\)\\s*;");
    private static final Pattern WITH_NAME = Pattern.compile("@WithName\\(\"([^\"]+)\"\\)");
    private static final Pattern PROPERTY_REFERENCE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)");

    /** One abstract method of a mapping interface: its return type and its property name. */
    private record MappingMethod(String type, String property) {}

    private ServiceSettings() {}

    /** Every variable name that reaches a setting of {@code service}. */
    static Set<String> environmentNames(String service) {
        Set<String> names = new TreeSet<>();
        Path module = RepoLayout.root().resolve(service);
        try (Stream<Path> sources = Files.walk(module.resolve("src/main/java"))) {
            for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                String text = RepoLayout.read(source);
                Matcher prefix = PREFIX.matcher(text);
                if (prefix.find()) propertiesOf(prefix.group(1), text).forEach(p -> names.add(toEnv(p)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Matcher reference = PROPERTY_REFERENCE.matcher(RepoLayout.read(module.resolve("src/main/resources/application.properties")));
        while (reference.find()) names.add(reference.group(1));
        return names;
    }

    static String toEnv(String property) {
        return property.toUpperCase().replaceAll("[^A-Z0-9]", "_");
    }

    /** Properties of the mapping interface (the first one in the file) and its nested groups. */
    static List<String> propertiesOf(String prefix, String source) {
        Map<String, List<MappingMethod>> methods = new HashMap<>();
        List<String> order = new ArrayList<>();
        List<String> stack = new ArrayList<>();
        int depth = 0;
        List<Integer> interfaceDepths = new ArrayList<>();
        String pendingName = null;
        for (String line : source.split("\n")) {
            Matcher declared = INTERFACE.matcher(line);
            if (declared.find()) {
                stack.add(declared.group(1));
                interfaceDepths.add(depth);
                order.add(declared.group(1));
                methods.put(declared.group(1), new ArrayList<>());
            }
            Matcher withName = WITH_NAME.matcher(line);
            if (withName.find()) pendingName = withName.group(1);
            Matcher method = METHOD.matcher(line);
            if (method.find() && !stack.isEmpty() && !line.contains("default ") && !line.contains("static ")) {
                methods.get(stack.get(stack.size() - 1)).add(new MappingMethod(method.group(1),
                        pendingName != null ? pendingName : kebab(method.group(2))));
                pendingName = null;
            }
            for (char c : line.toCharArray()) {
                if (c == '{') depth++;
                if (c == '}') {
                    depth--;
                    if (!interfaceDepths.isEmpty() && depth == interfaceDepths.get(interfaceDepths.size() - 1)) {
                        interfaceDepths.remove(interfaceDepths.size() - 1);
                        stack.remove(stack.size() - 1);
                    }
                }
            }
        }
        List<String> properties = new ArrayList<>();
        if (!order.isEmpty()) collect(prefix, order.get(0), methods, properties);
        return properties;
    }

    private static void collect(String prefix, String type, Map<String, List<MappingMethod>> methods, List<String> out) {
        for (MappingMethod m : methods.get(type)) {
            String returnType = m.type().replaceAll("^(Optional|List|Set)<(.+)>$", "$2");
            String property = prefix + "." + m.property();
            if (methods.containsKey(returnType)) collect(property, returnType, methods, out);
            else out.add(property);
        }
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }
}
