package io.lorastream.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * One kustomization rendered by {@code kubectl kustomize} and parsed with the fabric8 model: core
 * kinds come back typed (Deployment, Service, ...), CRD objects (Strimzi, Prometheus Operator) as
 * {@link GenericKubernetesResource}.
 */
final class RenderedManifests {
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static final Map<Path, RenderedManifests> CACHE = new ConcurrentHashMap<>();

    /** A pod template and the object that owns it (Deployment or StatefulSet). */
    record Workload(HasMetadata owner, PodTemplateSpec template) {
        String name() {
            return owner.getMetadata().getName();
        }

        Stream<Container> allContainers() {
            var spec = template.getSpec();
            return Stream.concat(spec.getInitContainers().stream(), spec.getContainers().stream());
        }

        Container container(String name) {
            return template.getSpec().getContainers().stream().filter(c -> c.getName().equals(name)).findFirst()
                    .orElseThrow(() -> new AssertionError(owner.getKind() + " " + name() + " has no container " + name));
        }
    }

    final Path kustomization;
    final String yaml;
    final List<HasMetadata> objects;

    private RenderedManifests(Path kustomization, String yaml, List<HasMetadata> objects) {
        this.kustomization = kustomization;
        this.yaml = yaml;
        this.objects = objects;
    }

    static RenderedManifests overlay(String name) {
        return of(RepoLayout.overlay(name));
    }

    static RenderedManifests of(Path kustomization) {
        return CACHE.computeIfAbsent(kustomization, RenderedManifests::render);
    }

    private static RenderedManifests render(Path kustomization) {
        String yaml = ExternalTool.KUBECTL.run(RepoLayout.root(), env -> {}, "kustomize", kustomization.toString());
        return new RenderedManifests(kustomization, yaml, parse(yaml));
    }

    static List<HasMetadata> parse(String yaml) {
        Object parsed = SERIALIZATION.unmarshal(yaml);
        List<HasMetadata> objects = new ArrayList<>();
        if (parsed instanceof KubernetesList list) {
            objects.addAll(list.getItems());
        } else if (parsed instanceof List<?> list) {
            for (Object item : list) {
                if (!(item instanceof HasMetadata object)) throw new AssertionError("not a Kubernetes object: " + item);
                objects.add(object);
            }
        } else if (parsed instanceof HasMetadata single) {
            objects.add(single);
        } else {
            throw new AssertionError("kubectl kustomize rendered no Kubernetes objects: " + parsed);
        }
        return objects;
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
        return all(type).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst();
    }

    <T extends HasMetadata> T get(Class<T> type, String name) {
        return find(type, name).orElseThrow(() ->
                new AssertionError(kustomization + " renders no " + type.getSimpleName() + " named " + name));
    }

    /** CRD objects of one kind, e.g. "KafkaTopic". */
    List<GenericKubernetesResource> custom(String kind) {
        return all(GenericKubernetesResource.class).stream().filter(r -> r.getKind().equals(kind)).toList();
    }

    List<Workload> workloads() {
        List<Workload> workloads = new ArrayList<>();
        all(Deployment.class).forEach(d -> workloads.add(new Workload(d, d.getSpec().getTemplate())));
        all(StatefulSet.class).forEach(s -> workloads.add(new Workload(s, s.getSpec().getTemplate())));
        return workloads;
    }

    Workload workload(String name) {
        return workloads().stream().filter(w -> w.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(kustomization + " renders no Deployment/StatefulSet " + name));
    }

    Map<String, String> configMapData(String name) {
        return get(ConfigMap.class, name).getData();
    }

    List<Service> services() {
        return all(Service.class);
    }

    List<PersistentVolumeClaim> claims() {
        return all(PersistentVolumeClaim.class);
    }
}
