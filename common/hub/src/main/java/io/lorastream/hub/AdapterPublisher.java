package io.lorastream.hub;

import io.lorastream.contracts.Digests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Publishes a PEFT adapter folder as saved ({@code adapter_config.json} + {@code adapter_model.safetensors})
 * with a model card ({@code README.md}) to a Hub model repository: creates the repository if needed, then one
 * atomic commit. Other files of the folder (optimizer state, ...) stay local. The result is returned only for
 * a commit the Hub confirmed; every failure is a {@link HubException} and means nothing was published.
 */
public final class AdapterPublisher {
    public static final String README = "README.md";

    private final HubClient client;

    public AdapterPublisher(HubClient client) {
        this.client = client;
    }

    /**
     * @param revision the branch to commit to ({@code main} if null); it must exist
     * @param modelCard the README.md text, e.g. {@link ModelCard#render}; null publishes no card
     * @param commitMessage the commit's summary line; a default names the adapter folder
     */
    public PublishResult publish(RepoId repo, boolean privateRepo, String revision, Path adapterFolder, String modelCard,
            String commitMessage) {
        String branch = revision == null || revision.isBlank() ? HfUri.DEFAULT_REVISION : revision;
        Path config = adapterFolder.resolve(AdapterPuller.CONFIG);
        Path weights = adapterFolder.resolve(AdapterPuller.WEIGHTS);
        List<String> missing = new ArrayList<>();
        if (!Files.isRegularFile(config)) {
            missing.add(AdapterPuller.CONFIG);
        }
        if (!Files.isRegularFile(weights)) {
            missing.add(AdapterPuller.WEIGHTS);
        }
        if (!missing.isEmpty()) {
            throw new HubException(HubException.Kind.NO_ADAPTER, adapterFolder + " holds no PEFT adapter: missing "
                    + String.join(" and ", missing) + "; nothing was published");
        }
        List<UploadFile> files = new ArrayList<>();
        files.add(UploadFile.of(AdapterPuller.CONFIG, config));
        files.add(UploadFile.of(AdapterPuller.WEIGHTS, weights));
        if (modelCard != null) {
            files.add(UploadFile.of(README, modelCard));
        }
        String adapterSha256 = Digests.folderSha256(adapterFolder, List.of(Path.of(AdapterPuller.CONFIG),
                Path.of(AdapterPuller.WEIGHTS)));
        boolean created = client.createRepo(repo, privateRepo);
        String summary = commitMessage == null || commitMessage.isBlank()
                ? "Upload LoRA adapter " + adapterFolder.getFileName() + " with lorastream" : commitMessage;
        CommitResult commit = client.commit(repo, branch, files, summary, "adapter sha256 " + adapterSha256);
        return new PublishResult(repo, branch, commit.commitOid(), commit.commitUrl(),
                HfUri.of(repo, commit.commitOid()), adapterSha256, commit.files(), created);
    }
}
