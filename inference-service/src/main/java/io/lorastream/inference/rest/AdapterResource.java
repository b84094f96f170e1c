package io.lorastream.inference.rest;

import io.lorastream.hub.HfUri;
import io.lorastream.hub.HubException;
import io.lorastream.inference.domain.AdapterInfo;
import io.lorastream.inference.domain.AdapterRef;
import io.lorastream.inference.domain.AdapterSource;
import io.lorastream.inference.domain.Registration;
import io.lorastream.inference.domain.SwapPolicy;
import io.lorastream.inference.service.AdapterManager;
import io.lorastream.inference.service.AdapterRegistry;
import io.lorastream.inference.service.AdapterStateException;
import io.lorastream.inference.service.InferenceLifecycle;
import io.lorastream.inference.service.ModelService;
import io.lorastream.inference.service.ServiceNotReadyException;
import io.lorastream.inference.service.UnknownAdapterException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** The adapter registry: list, register by URI, activate, roll back. */
@Path("/adapters")
@Produces(MediaType.APPLICATION_JSON)
public class AdapterResource {
    /** Schemes besides {@code hf://}, which {@link HfUri} parses. */
    private static final Set<String> SCHEMES = Set.of("file", "http", "https");

    private final AdapterManager adapters;
    private final AdapterRegistry registry;
    private final ModelService model;
    private final InferenceLifecycle lifecycle;

    public AdapterResource(AdapterManager adapters, AdapterRegistry registry, ModelService model,
            InferenceLifecycle lifecycle) {
        this.adapters = adapters;
        this.registry = registry;
        this.model = model;
        this.lifecycle = lifecycle;
    }

    @GET
    @Operation(summary = "The registry: active adapter, adapters in memory, every adapter with status and metrics")
    public AdapterRegistryView list() {
        return new AdapterRegistryView(adapters.activeRef().toString(), adapters.policy().text(),
                adapters.keepLoaded(), adapters.loadedRefs().stream().map(AdapterRef::toString).sorted().toList(),
                model.isLoaded() ? model.modelId() : null, model.isLoaded() ? model.baseModelSha256() : null,
                registry.list());
    }

    @GET
    @Path("/{adapterId}/{version}")
    @Operation(summary = "One registered adapter")
    public AdapterInfo get(@PathParam("adapterId") String adapterId, @PathParam("version") int version) {
        AdapterRef ref = ref(adapterId, version);
        return registry.find(ref).orElseThrow(() -> new UnknownAdapterException(ref));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Register an adapter by URI (file:, http(s):, hf://owner/repo[@revision]); it is verified "
            + "in the background, then the swap policy applies")
    public Response register(RegisterAdapterRequest request) {
        if (request == null || request.uri() == null || request.uri().isBlank()) {
            throw new BadRequestProblem("Invalid request", "'uri' is required");
        }
        String raw = request.uri().strip();
        String uri;
        String defaultId;
        if (HfUri.isHfUri(raw)) {
            HfUri hf;
            try {
                hf = HfUri.parse(raw);
            } catch (HubException e) {
                throw new BadRequestProblem("Invalid URI", e.detail());
            }
            uri = raw;
            defaultId = hf.repo().name(); // the repository, not "repo@main"
        } else {
            URI parsed;
            try {
                parsed = new URI(raw);
            } catch (URISyntaxException e) {
                throw new BadRequestProblem("Invalid URI", e.getMessage());
            }
            if (parsed.getScheme() == null || !SCHEMES.contains(parsed.getScheme().toLowerCase(Locale.ROOT))) {
                throw new BadRequestProblem("Invalid URI", "scheme must be file:, http:, https: or hf://, was: " + parsed);
            }
            uri = parsed.toString();
            defaultId = request.adapterId() != null ? null : lastSegment(parsed);
        }
        checkSha("sha256", request.sha256());
        checkSha("baseModelSha256", request.baseModelSha256());
        String id = request.adapterId() != null ? request.adapterId() : defaultId;
        int version = request.version() != null ? request.version() : registry.latestVersion(id) + 1;
        AdapterRef ref = ref(id, version);
        Registration registration = new Registration(ref, AdapterSource.API, uri, request.sha256(),
                request.baseModelId(), request.baseModelSha256(), null, null, null, request.metrics());
        if (!adapters.announce(registration, System.nanoTime())) {
            throw new AdapterStateException("adapter " + ref + " is already registered");
        }
        AdapterInfo info = registry.find(ref).orElseThrow();
        return Response.accepted(info).location(URI.create("/adapters/" + ref.adapterId() + "/" + ref.version())).build();
    }

    @POST
    @Path("/{adapterId}/{version}/activate")
    @Operation(summary = "Make a verified adapter the active one (instant when it is in memory)")
    public AdapterInfo activate(@PathParam("adapterId") String adapterId, @PathParam("version") int version) {
        requireReady();
        return adapters.activate(ref(adapterId, version));
    }

    @POST
    @Path("/rollback")
    @Operation(summary = "Go back to the adapter (or base model) active before the current one")
    public RollbackResponse rollback() {
        requireReady();
        String from = adapters.activeRef().toString();
        AdapterRef now = adapters.rollback();
        return new RollbackResponse(now.toString(), from);
    }

    @PUT
    @Path("/policy")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Switch the swap policy at run time (always | if-better | manual); a restart restores the "
            + "configured one")
    public PolicyView setPolicy(PolicyView request) {
        try {
            adapters.setPolicy(SwapPolicy.parse(request == null ? null : request.policy()));
        } catch (IllegalArgumentException e) {
            throw new BadRequestProblem("Invalid policy", e.getMessage());
        }
        return new PolicyView(adapters.policy().text());
    }

    private void requireReady() {
        if (!lifecycle.isReady()) {
            throw new ServiceNotReadyException("the base model and the registry are still loading");
        }
    }

    private static AdapterRef ref(String adapterId, int version) {
        try {
            return new AdapterRef(adapterId, version);
        } catch (IllegalArgumentException e) {
            throw new BadRequestProblem("Invalid adapter", e.getMessage());
        }
    }

    private static void checkSha(String field, String value) {
        if (value != null && !value.matches("[0-9a-fA-F]{64}")) {
            throw new BadRequestProblem("Invalid digest", field + " must be 64 hex digits");
        }
    }

    private static String lastSegment(URI uri) {
        String path = uri.getPath() != null ? uri.getPath() : uri.getSchemeSpecificPart();
        String[] parts = path.replaceAll("/+$", "").split("/");
        String last = parts.length == 0 ? "" : parts[parts.length - 1].replaceAll("[^A-Za-z0-9._-]", "-");
        if (last.isBlank()) {
            throw new BadRequestProblem("Invalid request", "cannot derive an adapter id from " + uri + "; give 'adapterId'");
        }
        return last;
    }
}
