"""set-image: pin a new image digest (and its model version) in an environment's overlay."""

from __future__ import annotations

from pathlib import Path

from gitops import git, hydrate, rules
from gitops.errors import Refusal
from gitops.layout import Release, champion, release_path, rendered_path
from gitops.pr_body import release_body


def model_version_for(root: Path, given: str | None) -> str:
    """The model inside the image: given explicitly, else the champion the bento was built from."""
    if given:
        return given
    record = champion(root)
    if record is None or not record.get("version"):
        raise Refusal("no model version: pass MODEL_VERSION= or train a champion (make train).")
    return str(record["version"])


def set_image(
    root: Path,
    env: str,
    image: str,
    model_version: str | None,
    commit: bool = True,
    body_file: Path | None = None,
) -> str:
    """Pin `image` in `env`'s overlay with its hydrated manifests, in one commit; with
    `body_file`, also write the release PR's body there (the release workflow opens it)."""
    if not rules.load(root).takes_releases(env):
        raise Refusal(f"{env} changes only through promotion: run `make promote TO={env}`.")
    release = Release.parse_ref(image, model_version_for(root, model_version))
    if commit:
        git.require_clean(root)
    path = release_path(env)
    text = release.dumps()
    current = (root / path).read_text()
    if current == text:
        return f"{env} already pins {release.ref} (model {release.model_version}); nothing to do."
    rendered_before = _read(root / rendered_path(env))
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
    said = f"{env} now pins {release.ref} (model {release.model_version}) in commit {sha[:12]}"
    if body_file is None:
        return said + "."
    body = release_body(
        root, env, release, _release(current), rendered_before, _read(root / hydrated), hydrated
    )
    (root / body_file).parent.mkdir(parents=True, exist_ok=True)
    (root / body_file).write_text(body)
    return f"{said}; PR body in {body_file}."


def _read(path: Path) -> str | None:
    return path.read_text() if path.is_file() else None


def _release(text: str) -> Release | None:
    try:
        return Release.loads(text)
    except (KeyError, TypeError, StopIteration, ValueError):
        return None  # an older layout of the file
