"""`make preview`'s program end to end, once, with the session's signed image: a repository
whose PR commit changes prod's sizes; the PR's image played as staging under a preview name,
verified, fed the hostile requests; one comment with the rendered diff of every environment;
nothing left running."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from kubeplay.local import LocalTarget
from tests.image.conftest import REPO, free_port, run
from tests.image.test_image_play import git, new_repo

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def previewed(signed, image_dirs, tmp_path_factory):
    ref, policy, registries_d = signed
    repo = new_repo(tmp_path_factory.mktemp("preview") / "repo", ref)
    base = git(repo, "rev-parse", "HEAD")
    values = repo / "argocd/bikeshare/overlays/prod/values.yaml"
    values.write_text(values.read_text().replace("max: 10", "max: 12"))
    git(repo, "commit", "--quiet", "-am", "prod: up to 12 replicas")
    out = tmp_path_factory.mktemp("preview-out")
    command = [sys.executable, "-m", "kubeplay", "--root", str(repo), "preview"]
    command += ["--env", "staging", "--image", ref, "--base", base, "--out", str(out)]
    command += ["--registry", ref.split("/", 1)[0], "--port", str(free_port())]
    command += ["--policy", str(policy), "--registries-d", str(registries_d), "--timeout", "420"]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=900,
    )
    comment = (out / "comment.md").read_text() if (out / "comment.md").is_file() else ""
    # The name the preview's pod had: kubeplay's suffix for the scratch worktree it played.
    target = LocalTarget(out / "work" / "head", "staging", "", 0, label="preview")
    return repo, done, comment, f"bikeshare{target.suffix}"


def test_the_pr_is_played_verified_and_fed_bad_input(previewed, signed):
    _, done, comment, _ = previewed
    assert done.returncode == 0, done.stderr + comment[:4000]  # the comment says what failed
    assert "preview passed" in done.stdout
    assert comment.startswith("## Preview of ") and ": passed" in comment.splitlines()[0]
    assert signed[0] in comment  # the PR's image is what was played
    assert "verification of " in comment and ": passed" in comment
    assert "❌" not in comment
    assert "still ready afterwards (/readyz) | 200 | 200" in comment


def test_the_comment_has_the_rendered_diff_of_every_environment(previewed):
    _, _, comment, _ = previewed
    assert "- **staging**: no change" in comment
    assert "<summary><b>prod</b>:" in comment
    assert "-  maxReplicas: 10\n+  maxReplicas: 12" in comment


def test_nothing_is_left_running_or_checked_out(previewed):
    repo, _, comment, deployment = previewed
    assert f"pod {deployment}-pod-0 ready" in comment  # played under the preview's own name
    pods = run("podman", "pod", "ps", "--format", "{{.Name}}").stdout
    assert deployment not in pods
    assert git(repo, "worktree", "list").count("\n") == 0  # only the repository itself
    assert git(repo, "status", "--porcelain") == ""  # nothing committed or left behind
