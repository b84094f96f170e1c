package io.lorastream.hub;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An adapter on the Hub: {@code hf://owner/repo[/sub/folder][@revision]}. The revision is a branch, a tag or
 * a commit sha ({@code main} when left out); the optional sub-folder holds the adapter files when the
 * repository keeps more than one. Everything after the first {@code @} is the revision, so a revision
 * may contain {@code /} ({@code refs/pr/1}) and a folder may not contain {@code @}.
 *
 * @param subfolder relative folder inside the repository, empty for the root
 */
public record HfUri(RepoId repo, String revision, String subfolder) {
    public static final String SCHEME = "hf://";
    public static final String DEFAULT_REVISION = "main";

    private static final Pattern REVISION = Pattern.compile("[A-Za-z0-9._/-]{1,255}");
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Pattern COMMIT_SHA = Pattern.compile("[0-9a-f]{40}");

    public HfUri {
        if (repo == null) {
            throw invalid("hf:// URI without a repository");
        }
        revision = revision == null || revision.isEmpty() ? DEFAULT_REVISION : revision;
        if (!REVISION.matcher(revision).matches() || revision.contains("..") || revision.startsWith("/")
                || revision.endsWith("/") || revision.contains("//")) {
            throw invalid("invalid revision '" + revision + "' (a branch, tag or commit sha: letters, digits, "
                    + "'.', '_', '-', '/')");
        }
        subfolder = subfolder == null ? "" : subfolder;
        if (!subfolder.isEmpty()) {
            for (String seg : subfolder.split("/", -1)) {
                if (!SEGMENT.matcher(seg).matches() || seg.equals(".") || seg.equals("..")) {
                    throw invalid("invalid sub-folder '" + subfolder + "' (segments of letters, digits, '.', '_', '-')");
                }
            }
        }
    }

    /** Whether {@code s} looks like an {@code hf://} URI (it may still be invalid). */
    public static boolean isHfUri(String s) {
        return s != null && s.strip().toLowerCase(Locale.ROOT).startsWith(SCHEME);
    }

    /** Parses {@code hf://owner/repo[/sub/folder][@revision]}; any problem is an INVALID_ARGUMENT. */
    public static HfUri parse(String uri) {
        if (uri == null || uri.isBlank()) {
            throw invalid("empty adapter URI (expected hf://owner/repo[@revision])");
        }
        String s = uri.strip();
        if (!s.toLowerCase(Locale.ROOT).startsWith(SCHEME)) {
            throw invalid("not an hf:// URI: '" + s + "' (expected hf://owner/repo[@revision])");
        }
        String rest = s.substring(SCHEME.length());
        String revision = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            revision = rest.substring(at + 1);
            rest = rest.substring(0, at);
            if (revision.isEmpty()) {
                throw invalid("'" + s + "' has an empty revision after '@'");
            }
        }
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        String[] parts = rest.split("/", -1);
        if (parts.length < 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw invalid("'" + s + "' names no repository (expected hf://owner/repo[@revision])");
        }
        List<String> folder = new ArrayList<>(List.of(parts).subList(2, parts.length));
        RepoId repo;
        try {
            repo = new RepoId(parts[0], parts[1]);
        } catch (HubException e) {
            throw invalid("'" + s + "': " + e.detail());
        }
        try {
            return new HfUri(repo, revision, String.join("/", folder));
        } catch (HubException e) {
            throw invalid("'" + s + "': " + e.detail());
        }
    }

    public static HfUri of(RepoId repo, String revision) {
        return new HfUri(repo, revision, "");
    }

    /** Whether the revision is a full commit sha, so the URI always names the same files. */
    public boolean pinned() {
        return COMMIT_SHA.matcher(revision).matches();
    }

    /** The path of {@code file} inside the repository, under the sub-folder. */
    public String pathInRepo(String file) {
        return subfolder.isEmpty() ? file : subfolder + "/" + file;
    }

    public Optional<String> subfolderIfAny() {
        return subfolder.isEmpty() ? Optional.empty() : Optional.of(subfolder);
    }

    /** The same adapter at another revision (e.g. the commit sha a branch resolved to). */
    public HfUri withRevision(String revision) {
        return new HfUri(repo, revision, subfolder);
    }

    /** Canonical form; the revision is always written out. */
    @Override
    public String toString() {
        return SCHEME + repo.id() + (subfolder.isEmpty() ? "" : "/" + subfolder) + "@" + revision;
    }

    private static HubException invalid(String message) {
        return new HubException(HubException.Kind.INVALID_ARGUMENT, message);
    }
}
