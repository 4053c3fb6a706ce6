"""set-image: pin a new image digest (and its model version) in an environment's overlay."""

from __future__ import annotations

from pathlib import Path

from gitops import git, hydrate, rules
from gitops.errors import Refusal
from gitops.layout import Release, champion, release_path


def model_version_for(root: Path, given: str | None) -> str:
    """The model inside the image: given explicitly, else the champion the bento was built from."""
    if given:
        return given
    record = champion(root)
    if record is None or not record.get("version"):
        raise Refusal("no model version: pass MODEL_VERSION= or train a champion (make train).")
    return str(record["version"])


def set_image(
    root: Path, env: str, image: str, model_version: str | None, commit: bool = True
) -> str:
    if not rules.load(root).takes_releases(env):
        raise Refusal(f"{env} changes only through promotion: run `make promote TO={env}`.")
    release = Release.parse_ref(image, model_version_for(root, model_version))
    if commit:
        git.require_clean(root)
    path = release_path(env)
    text = release.dumps()
    if (root / path).read_text() == text:
        return f"{env} already pins {release.ref} (model {release.model_version}); nothing to do."
    (root / path).write_text(text)
    # The hydrated manifests the environment's Application syncs move in the same commit.
    try:
        hydrated, _ = hydrate.write(root, env)
    except BaseException:
        git.discard(root, path)
        raise
    if not commit:
        return f"{env} now pins {release.ref} (model {release.model_version}); not committed."
    try:
        sha = git.commit(
            root,
            [path, hydrated],
            f"release({env}): {release.image.rsplit('/', 1)[-1]}@{release.digest[:19]} "
            f"model {release.model_version}\n\n"
            f"Release-Env: {env}\nImage: {release.ref}\nModel-Version: {release.model_version}\n",
        )
    except BaseException:
        git.discard(root, path)
        git.discard(root, hydrated)
        raise
    return f"{env} now pins {release.ref} (model {release.model_version}) in commit {sha[:12]}."
