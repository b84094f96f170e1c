package io.lorastream.trainer.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.lorastream.contracts.CheckpointMetrics;
import io.lorastream.contracts.Digests;
import io.lorastream.hub.AdapterPublisher;
import io.lorastream.hub.HfUri;
import io.lorastream.hub.HubClient;
import io.lorastream.hub.HubConfig;
import io.lorastream.hub.HubException;
import io.lorastream.hub.ModelCard;
import io.lorastream.hub.ModelCardData;
import io.lorastream.hub.PublishResult;
import io.lorastream.hub.RepoId;
import io.lorastream.trainer.config.TrainerConfig;
import io.lorastream.trainer.domain.Checkpoint;
import io.lorastream.trainer.domain.Checkpoint.HubStatus;
import io.lorastream.trainer.domain.ConfusionMatrix;
import io.lorastream.trainer.domain.Dataset;
import io.lorastream.trainer.domain.RunStep;
import io.lorastream.trainer.domain.TrainingRun;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.NotFoundException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Publishes a run's checkpoint to a Hugging Face Hub model repository (issue 9): the PEFT files as saved and a
 * model card rendered from the run record, through {@link AdapterPublisher}. The outcome is recorded on the
 * checkpoint: {@code PUBLISHING} while the upload runs (no transaction is held meanwhile), then
 * {@code PUBLISHED} with the commit and {@code hf://} URI only once the Hub confirmed the commit, else
 * {@code FAILED} with the {@link HubException} kind and message.
 */
@ApplicationScoped
public class HubPublisher {
    private static final Logger LOG = Logger.getLogger(HubPublisher.class);

    /**
     * The body of {@code POST /runs/{id}/publish}.
     *
     * @param privateRepo whether a repository created by this call is private (default true; an existing
     *     repository keeps its visibility)
     * @param version / step which checkpoint of the run (at most one of them); by default its final one
     * @param revision the branch to commit to, {@code main} by default
     */
    public record PublishRequest(String repo, @JsonProperty("private") Boolean privateRepo, Integer version,
            Integer step, String revision, String commitMessage) {}

    /** What {@code POST /runs/{id}/publish} answers. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Published(String runId, String adapterId, int version, int step, String repo, String revision,
            @JsonProperty("private") boolean privateRepo, boolean repoCreated, String commitOid, String commitUrl,
            String uri, String adapterSha256, Instant publishedAt, List<String> warnings) {}

    /** What is needed to publish, read in one transaction. */
    private record Prepared(long checkpointId, String runId, String adapterId, int version, int step, Path folder,
            String adapterSha256, ModelCardData card) {}

    @Inject
    TrainerConfig config;

    @Inject
    ArtifactStore artifacts;

    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();
    private AdapterPublisher publisher;
    private boolean hasToken;

    @PostConstruct
    void init() {
        HubConfig hubConfig = config.hub().clientConfig();
        hasToken = hubConfig.token().isPresent();
        publisher = new AdapterPublisher(new HubClient(hubConfig));
    }

    /**
     * Publishes the chosen checkpoint of {@code runId}.
     *
     * @throws NotFoundException no such run or checkpoint
     * @throws PublishConflictException the run has no final checkpoint yet, the checkpoint is being published,
     *     or its files no longer match its digest
     * @throws HubException the Hub call failed (recorded on the checkpoint); nothing was published
     */
    public Published publish(String runId, PublishRequest request) {
        if (request == null) {
            throw new HubException(HubException.Kind.INVALID_ARGUMENT, "a JSON body is required: "
                    + "{\"repo\": \"owner/name\", \"private\": true, \"version\" or \"step\", \"revision\", "
                    + "\"commitMessage\"}");
        }
        RepoId repo = RepoId.parse(request.repo());
        String revision = HfUri.of(repo, request.revision()).revision(); // validates; main when absent
        if (request.version() != null && request.step() != null) {
            throw new HubException(HubException.Kind.INVALID_ARGUMENT, "name the checkpoint by version or by step, "
                    + "not both");
        }
        boolean privateRepo = request.privateRepo() == null || request.privateRepo();
        Prepared p = QuarkusTransaction.requiringNew().call(() -> prepare(runId, request, repo));
        if (!inFlight.add(p.checkpointId())) {
            throw new PublishConflictException("checkpoint " + p.adapterId() + "@" + p.version() + " of run " + runId
                    + " is being published right now");
        }
        try {
            QuarkusTransaction.requiringNew().run(() -> begin(p.checkpointId(), repo, revision, privateRepo));
            List<String> warnings = ModelCard.licenseProblems(p.card());
            warnings.forEach(w -> LOG.warnf("run %s, publishing to %s: %s", runId, repo, w));
            PublishResult result;
            try {
                if (!hasToken) {
                    throw new HubException(HubException.Kind.UNAUTHORIZED, "publishing needs a Hub token with write "
                            + "access: set lorastream.trainer.hub.token (LORASTREAM_TRAINER_HUB_TOKEN); none is "
                            + "configured");
                }
                String current = Digests.adapterSha256(p.folder());
                if (!current.equals(p.adapterSha256())) {
                    throw new PublishConflictException("the stored adapter " + p.folder() + " no longer matches its "
                            + "checkpoint's sha256 " + p.adapterSha256() + " (now " + current + "); not published");
                }
                LOG.infof("run %s: publishing %s@%d (step %d) to %s@%s (%s)", runId, p.adapterId(), p.version(),
                        p.step(), repo, revision, privateRepo ? "private" : "public");
                result = publisher.publish(repo, privateRepo, revision, p.folder(), ModelCard.render(p.card()),
                        request.commitMessage());
            } catch (HubException e) {
                recordFailure(p, e.kind().name(), e.detail());
                throw e;
            } catch (RuntimeException e) {
                recordFailure(p, e instanceof PublishConflictException ? "CONFLICT" : "INTERNAL", e.getMessage());
                throw e;
            }
            Instant at = Instant.now();
            QuarkusTransaction.requiringNew().run(() -> succeeded(p.checkpointId(), result, at));
            LOG.infof("run %s: published %s@%d as %s", runId, p.adapterId(), p.version(), result.uri());
            return new Published(runId, p.adapterId(), p.version(), p.step(), repo.id(), result.revision(), privateRepo,
                    result.repoCreated(), result.commitOid(), result.commitUrl(), result.uri().toString(),
                    result.adapterSha256(), at, warnings);
        } finally {
            inFlight.remove(p.checkpointId());
        }
    }

    private Prepared prepare(String runId, PublishRequest request, RepoId repo) {
        TrainingRun run = TrainingRun.findById(runId);
        if (run == null) {
            throw new NotFoundException("no run '" + runId + "'");
        }
        Checkpoint c;
        if (request.version() != null) {
            c = Checkpoint.byVersion(run.adapterId, request.version());
            if (c == null || !c.runId.equals(runId)) {
                throw new NotFoundException("run " + runId + " has no checkpoint version " + request.version()
                        + " of adapter " + run.adapterId);
            }
        } else if (request.step() != null) {
            c = Checkpoint.ofRunAtStep(runId, request.step());
            if (c == null) {
                throw new NotFoundException("run " + runId + " has no checkpoint at step " + request.step());
            }
        } else {
            c = Checkpoint.finalOf(runId);
            if (c == null) {
                throw new PublishConflictException("run " + runId + " has no final checkpoint (it is "
                        + run.status.name().toLowerCase() + "); name a checkpoint by \"version\" or \"step\"");
            }
        }
        return new Prepared(c.id, runId, c.adapterId, c.version, c.step, artifacts.versionDir(c.adapterId, c.version),
                c.adapterSha256, card(repo, run, c));
    }

    /** The model card's data from the run record: hyper-parameters, dataset sizes, loss curve, metrics. */
    private static ModelCardData card(RepoId repo, TrainingRun run, Checkpoint c) {
        Map<Integer, Double> validationLoss = Checkpoint.ofRun(run.id).stream()
                .filter(k -> k.validationLoss != null && k.step <= c.step)
                .collect(Collectors.toMap(k -> k.step, k -> k.validationLoss, (a, b) -> a));
        List<ModelCardData.LossPoint> curve = RunStep.ofRun(run.id).stream()
                .filter(s -> s.step <= c.step)
                .map(s -> new ModelCardData.LossPoint(s.step, s.loss, validationLoss.get(s.step)))
                .toList();
        Dataset dataset = Dataset.findById(run.datasetId);
        ConfusionMatrix confusion = ConfusionMatrix.fromJson(c.confusionMatrix);
        return ModelCardData.of(repo, c.baseModelId)
                .withRun(run.id, c.adapterId, c.version, c.step, run.hyperParameters(), c.createdAt)
                .withDigests(c.baseModelSha256, c.adapterSha256)
                .withDataset(run.datasetId, dataset == null ? null : dataset.sha256, run.trainRecords,
                        run.validationRecords)
                .withResults(curve, new CheckpointMetrics(c.trainLoss, c.validationLoss, c.accuracy, c.macroRecall,
                                c.macroF1, c.lossOn), confusion == null ? null : confusion.labels(),
                        confusion == null ? null : confusion.matrix());
    }

    private static void begin(long checkpointId, RepoId repo, String revision, boolean privateRepo) {
        update(checkpointId, c -> {
            c.hubStatus = HubStatus.PUBLISHING;
            c.hubRepo = repo.id();
            c.hubRevision = revision;
            c.hubPrivate = privateRepo;
            c.hubCommit = null;
            c.hubUri = null;
            c.hubAdapterSha256 = null;
            c.hubErrorKind = null;
            c.hubError = null;
            c.hubAttemptedAt = Instant.now();
            c.hubPublishedAt = null;
        });
    }

    private static void succeeded(long checkpointId, PublishResult result, Instant at) {
        update(checkpointId, c -> {
            c.hubStatus = HubStatus.PUBLISHED;
            c.hubRevision = result.revision();
            c.hubCommit = result.commitOid();
            c.hubUri = result.uri().toString();
            c.hubAdapterSha256 = result.adapterSha256();
            c.hubPublishedAt = at;
        });
    }

    private static void recordFailure(Prepared p, String kind, String message) {
        LOG.errorf("run %s: publishing %s@%d failed: %s %s", p.runId(), p.adapterId(), p.version(), kind, message);
        try {
            QuarkusTransaction.requiringNew().run(() -> update(p.checkpointId(), c -> {
                c.hubStatus = HubStatus.FAILED;
                c.hubErrorKind = kind;
                c.hubError = message;
            }));
        } catch (RuntimeException e) { // the caller still gets the Hub's error
            LOG.errorf(e, "run %s: cannot record the failed publication of %s@%d", p.runId(), p.adapterId(),
                    p.version());
        }
    }

    private static void update(long checkpointId, Consumer<Checkpoint> change) {
        Checkpoint c = Checkpoint.findById(checkpointId);
        if (c != null) {
            change.accept(c);
        }
    }
}
