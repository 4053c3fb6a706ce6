"""set-image -> promote -> rollback with real git in a temporary repository; the evidence
store in its local form (a directory with the S3 keys; the S3 store with IAM enforced on moto
is tests/gitops/test_evidence_store.py)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from gitops.evidence import key
from gitops.layout import MODEL_VERSION_KEY, OVERLAYS, rendered_path

from .conftest import ROOT, environment_differences, kustomize, require_tool

REGISTRY = "127.0.0.1:5000/bikeshare"
DIGEST_1 = "sha256:" + "1" * 64
DIGEST_2 = "sha256:" + "2" * 64
CHAMPION = {
    "version": "2011-12-abc123",
    "bento_model_tag": "bikeshare:2011-12-abc123",
    "code_commit": "0" * 40,
    "trained_on": {"holdout": "2011-12"},
    "data": {"fingerprint": "f" * 64, "files": {"2011-01.csv": "e" * 64}},
    "metrics": {"overall": {"rmse": 41.1, "r2": 0.85}, "slices": {"season=1": {"rmse": 51.2}}},
}


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.strip()


def store_of(repo: Path) -> Path:
    """The evidence store of a test repository (outside the work tree, as S3 is)."""
    return repo.parent / "evidence"


def cli(repo: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "EVIDENCE_STORE": str(store_of(repo))}
    return subprocess.run(
        [sys.executable, "-m", "gitops", "--root", str(repo), *args],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def verified(
    repo: Path,
    digest: str,
    passed: bool = True,
    env: str = "staging",
    age: timedelta = timedelta(minutes=5),
    **fields,
) -> str:
    """Put a verification record for DIGEST in the store, as the Job writes it (the Job itself
    writes one in tests/image/test_image_play.py); returns its key."""
    checks = [{"name": "version", "passed": passed, "detail": "serves x, release pins x"}]
    finished = (datetime.now(UTC) - age).isoformat(timespec="seconds")
    record = {"environment": env, "digest": digest, "image": f"{REGISTRY}@{digest}"}
    record |= {"model_version": CHAMPION["version"], "passed": passed, "checks": checks}
    record |= {"finished_at": finished, "cluster": f"bikeshare-{env}", "duration_s": 3.2}
    record |= {"latency": {"requests": 50, "p50_ms": 4.1, "p99_ms": 9.8, "error_rate": 0.0}}
    path = store_of(repo) / key(env, digest)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record | fields, indent=2))
    return f"{store_of(repo)}/{key(env, digest)}"


def render(repo: Path, env: str) -> str:
    return kustomize(repo / OVERLAYS / env)


def model_versions(rendered: str) -> set[str]:
    return {d["metadata"]["annotations"][MODEL_VERSION_KEY] for d in yaml.safe_load_all(rendered)}


def state(repo: Path) -> tuple[str, str, str, str]:
    """Everything a refused command must leave as it was."""
    return (
        git(repo, "rev-parse", "HEAD"),
        git(repo, "branch", "--list"),
        git(repo, "status", "--porcelain"),
        git(repo, "rev-list", "--all", "--count"),
    )


@pytest.fixture(scope="module")
def template_repo(tmp_path_factory) -> Path:
    """A repository with this project's argocd/ and a champion record, one commit on main."""
    require_tool("git")
    repo = tmp_path_factory.mktemp("template") / "repo"
    shutil.copytree(ROOT / "argocd", repo / "argocd")
    (repo / "config").mkdir()
    shutil.copy(ROOT / "config/platform.yaml", repo / "config/platform.yaml")
    (repo / "config/champion.json").write_text(json.dumps(CHAMPION, indent=2))
    (repo / ".gitignore").write_text("build/\n")
    git(repo, "init", "--quiet", "--initial-branch=main")
    git(repo, "config", "user.name", "gitops test")
    git(repo, "config", "user.email", "gitops-test@example.invalid")
    git(repo, "config", "commit.gpgsign", "false")
    git(repo, "add", ".")
    git(repo, "commit", "--quiet", "-m", "initial")
    return repo


@pytest.fixture
def repo(template_repo, tmp_path) -> Path:
    copy = tmp_path / "repo"
    shutil.copytree(template_repo, copy)
    return copy


def hydrated(repo: Path, env: str) -> bytes:
    """What the environment's Argo CD Application syncs."""
    return (repo / rendered_path(env)).read_bytes()


@pytest.mark.slow  # the whole flow with real git (10 s)
def test_set_image_promote_rollback(repo):
    prod_before = render(repo, "prod")
    prod_hydrated = hydrated(repo, "prod")

    done = cli(repo, "set-image", "--env", "staging", "--image", f"{REGISTRY}@{DIGEST_1}")
    assert done.returncode == 0, done.stderr
    assert "PR body in build/release-staging.md" in done.stdout
    release_pr = (repo / "build/release-staging.md").read_text()
    assert release_pr.startswith(f"## ✓ RELEASE: model {CHAMPION['version']} to staging\n")
    assert f"| after merge | `{CHAMPION['version']}` | `{DIGEST_1}` |" in release_pr
    staging = render(repo, "staging")
    assert f"image: {REGISTRY}@{DIGEST_1}" in staging
    assert model_versions(staging) == {CHAMPION["version"]}  # from champion.json
    assert render(repo, "prod") == prod_before
    # The release commit moves staging's hydrated manifests with it; prod's stay.
    assert f"image: {REGISTRY}@{DIGEST_1}" in hydrated(repo, "staging").decode()
    assert hydrated(repo, "prod") == prod_hydrated
    # With different releases, the environments still differ only where they may.
    differing, unexpected = environment_differences(
        list(yaml.safe_load_all(staging)), list(yaml.safe_load_all(prod_before))
    )
    assert ("Deployment", "/spec/template/spec/containers/0/image") in differing
    assert not unexpected, unexpected
    staging_commit = git(repo, "rev-parse", "HEAD")
    verification = verified(repo, DIGEST_1)

    done = cli(repo, "promote", "--from", "staging", "--to", "prod")
    assert done.returncode == 0, done.stderr
    branch = git(repo, "rev-parse", "--abbrev-ref", "HEAD")
    assert branch == f"promote/prod-{'1' * 12}"
    changed = git(repo, "diff", "--name-only", "HEAD~1", "HEAD").splitlines()
    assert sorted(changed) == sorted(
        [
            (OVERLAYS / "prod/release/kustomization.yaml").as_posix(),
            rendered_path("prod").as_posix(),
        ]
    )
    prod = render(repo, "prod")
    assert f"image: {REGISTRY}@{DIGEST_1}" in prod
    assert hydrated(repo, "prod").decode().endswith(prod)
    assert model_versions(prod) == {CHAMPION["version"]}
    assert render(repo, "staging") == staging
    body = (repo / "build/promote-prod.md").read_text()
    assert body.startswith(f"## ✓ VERIFIED: promote {CHAMPION['version']} from staging to prod")
    for evidence in (DIGEST_1, CHAMPION["version"], staging_commit[:12], "RMSE 41.10"):
        assert evidence in body
    for seen in ("bikeshare-staging", "9.8 ms", "| ✓ version |", "make rollback ENV=prod"):
        assert seen in body, seen  # from the evidence, and the way back
    assert f"Verified-By: {verification}" in body
    assert f"Verified-By: {verification}" in git(repo, "log", "-1", "--format=%B")
    assert "Warning" not in body
    assert any(
        line.startswith("+") and f"{REGISTRY}@{DIGEST_1}" in line for line in body.splitlines()
    )  # the rendered diff, per resource

    # The reviewer merges the PR (a merge commit, as GitHub does).
    git(repo, "switch", "--quiet", "main")
    git(repo, "merge", "--quiet", "--no-ff", "-m", "Merge promotion PR", branch)
    assert render(repo, "prod") == prod

    done = cli(repo, "rollback", "--env", "prod", "--reason", "alert BikeshareHighErrorRate")
    assert done.returncode == 0, done.stderr
    assert git(repo, "rev-parse", "--abbrev-ref", "HEAD").startswith("rollback/prod-")
    assert render(repo, "prod") == prod_before
    assert hydrated(repo, "prod") == prod_hydrated  # byte for byte
    assert render(repo, "staging") == staging
    body = (repo / "build/rollback-prod.md").read_text()
    assert "**Why:** alert BikeshareHighErrorRate" in body
    assert "Reason: alert BikeshareHighErrorRate" in git(repo, "log", "-1", "--format=%B")


@pytest.mark.slow  # several commits with real git (4 s)
def test_promote_an_older_digest_staging_ran(repo):
    for digest in (DIGEST_1, DIGEST_2):
        assert (
            cli(repo, "set-image", "--env", "staging", "--image", f"{REGISTRY}@{digest}").returncode
            == 0
        )
    first_release = git(repo, "rev-parse", "HEAD~1")
    verified(repo, DIGEST_1)
    verified(repo, DIGEST_2, passed=False)  # the newer record is for another digest
    done = cli(repo, "promote", "--digest", DIGEST_1)
    assert done.returncode == 0, done.stderr
    assert f"{REGISTRY}@{DIGEST_1}" in render(repo, "prod")
    assert f"Source-Commit: {first_release}" in git(repo, "log", "-1", "--format=%B")


def _dirty(repo: Path) -> None:
    path = repo / OVERLAYS / "staging/kustomization.yaml"
    path.write_text(path.read_text() + "# local edit\n")


def _staging_release(repo: Path) -> None:
    assert (
        cli(repo, "set-image", "--env", "staging", "--image", f"{REGISTRY}@{DIGEST_1}").returncode
        == 0
    )


def _verified_release(repo: Path) -> None:
    _staging_release(repo)
    verified(repo, DIGEST_1)


def _failed_verification(repo: Path) -> None:
    _staging_release(repo)
    verified(repo, DIGEST_1, passed=False)


def _other_digest_verified(repo: Path) -> None:
    _staging_release(repo)
    verified(repo, DIGEST_2)


def _evidence_names_another_digest(repo: Path) -> None:
    """A record under DIGEST_1's key that is about DIGEST_2 (copied or forged)."""
    _staging_release(repo)
    path = Path(verified(repo, DIGEST_1))
    path.write_text(path.read_text().replace(DIGEST_1, DIGEST_2))


def _evidence_names_another_environment(repo: Path) -> None:
    _staging_release(repo)
    path = Path(verified(repo, DIGEST_1))
    path.write_text(path.read_text().replace('"staging"', '"prod"'))


def _stale_evidence(repo: Path) -> None:
    _staging_release(repo)
    verified(repo, DIGEST_1, age=timedelta(days=30))  # the rules accept 168 h


def _evidence_not_json(repo: Path) -> None:
    _staging_release(repo)
    Path(verified(repo, DIGEST_1)).write_text("{not json")


BAD_INPUTS = {
    "malformed digest": (
        None,
        ["set-image", "--env", "staging", "--image", f"{REGISTRY}@sha256:abc"],
    ),
    "tag, no digest": (None, ["set-image", "--env", "staging", "--image", f"{REGISTRY}:latest"]),
    "unknown environment": (
        None,
        ["set-image", "--env", "qa", "--image", f"{REGISTRY}@{DIGEST_1}"],
    ),
    "unknown promotion target": (None, ["promote", "--from", "staging", "--to", "qa"]),
    "prod without promotion": (
        None,
        ["set-image", "--env", "prod", "--image", f"{REGISTRY}@{DIGEST_1}"],
    ),
    "dirty tree, set-image": (
        _dirty,
        ["set-image", "--env", "staging", "--image", f"{REGISTRY}@{DIGEST_1}"],
    ),
    "dirty tree, promote": (_dirty, ["promote"]),
    "dirty tree, rollback": (_dirty, ["rollback", "--env", "prod"]),
    "digest staging never ran": (_verified_release, ["promote", "--digest", DIGEST_2]),
    "promote without verification": (_staging_release, ["promote"]),
    "promote after a failed verification": (_failed_verification, ["promote"]),
    "promote with another digest's verification": (_other_digest_verified, ["promote"]),
    "evidence naming another digest": (_evidence_names_another_digest, ["promote"]),
    "evidence naming another environment": (_evidence_names_another_environment, ["promote"]),
    "stale evidence": (_stale_evidence, ["promote"]),
    "evidence that is not JSON": (_evidence_not_json, ["promote"]),
    "promote into the first environment": (_verified_release, ["promote", "--to", "staging"]),
    "promote skipping a step": (_verified_release, ["promote", "--from", "prod", "--to", "prod"]),
    "override without a reason": (_staging_release, ["promote", "--override", " "]),
    "malformed promote digest": (None, ["promote", "--digest", "sha256:XYZ"]),
    "nothing to roll back": (None, ["rollback", "--env", "prod"]),
}


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_bad_input_is_refused_with_one_sentence_and_no_commit(repo, case):
    prepare, args = BAD_INPUTS[case]
    if prepare:
        prepare(repo)
    before = state(repo)
    done = cli(repo, *args)
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].endswith("."), done.stderr
    assert "Traceback" not in done.stderr
    assert state(repo) == before


@pytest.mark.parametrize("command", ["set-image", "promote"])
def test_failed_commit_leaves_no_branch_and_a_clean_tree(repo, tmp_path, command):
    _staging_release(repo)
    if command == "promote":
        verified(repo, DIGEST_1)
        args = ["promote"]
    else:
        args = ["set-image", "--env", "staging", "--image", f"{REGISTRY}@{DIGEST_2}"]
    # No committer identity at all: git refuses to commit after the CLI has written the file.
    git(repo, "config", "--unset", "user.name")
    git(repo, "config", "--unset", "user.email")
    git(repo, "config", "user.useConfigOnly", "true")
    before = state(repo)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "HOME": str(tmp_path),
        "GIT_CONFIG_NOSYSTEM": "1",
        "XDG_CONFIG_HOME": str(tmp_path),
        "EVIDENCE_STORE": str(store_of(repo)),
    }
    for name in ("AUTHOR_NAME", "AUTHOR_EMAIL", "COMMITTER_NAME", "COMMITTER_EMAIL"):
        env.pop(f"GIT_{name}", None)
    done = subprocess.run(
        [sys.executable, "-m", "gitops", "--root", str(repo), *args],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode != 0 and "git commit failed" in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert state(repo) == before


def _merge(repo: Path, out: str) -> None:
    branch = out.split()[1].rstrip(",")
    git(repo, "switch", "--quiet", "main")
    git(repo, "merge", "--quiet", "--no-ff", "-m", f"Merge {branch}", branch)
    git(repo, "branch", "--quiet", "-d", branch)  # GitHub deletes merged PR branches


def test_override_promotes_an_unverified_digest_and_records_why(repo):
    _staging_release(repo)
    refused = cli(repo, "promote")
    assert refused.returncode == 1
    assert "staging has no verification of sha256:111111111111" in refused.stderr
    assert "OVERRIDE=" in refused.stderr
    done = cli(repo, "promote", "--override", "hotfix for incident 42, verified by hand")
    assert done.returncode == 0, done.stderr
    message = git(repo, "log", "-1", "--format=%B")
    assert "Override: hotfix for incident 42, verified by hand" in message
    assert "Verified-By" not in message
    assert f"{REGISTRY}@{DIGEST_1}" in render(repo, "prod")


def test_a_rolled_back_digest_is_held_until_an_override(repo):
    _verified_release(repo)
    _merge(repo, cli(repo, "promote").stdout)
    done = cli(repo, "rollback", "--env", "prod")
    assert done.returncode == 0, done.stderr
    _merge(repo, done.stdout)
    rollback_commit = git(repo, "rev-parse", "HEAD^2")
    assert f"{REGISTRY}@{DIGEST_1}" not in render(repo, "prod")

    # Staging still runs the verified digest; promoting it again is held.
    before = state(repo)
    refused = cli(repo, "promote")
    assert refused.returncode == 1
    assert f"prod rolled sha256:111111111111 back in {rollback_commit[:12]}" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    assert state(repo) == before

    done = cli(repo, "promote", "--override", "root cause fixed in the data, not the model")
    assert done.returncode == 0, done.stderr
    message = git(repo, "log", "-1", "--format=%B")
    assert f"Held-By: {rollback_commit}" in message
    assert "Override: root cause fixed in the data, not the model" in message
    assert f"{REGISTRY}@{DIGEST_1}" in render(repo, "prod")


def test_the_hold_is_per_digest(repo):
    _verified_release(repo)
    _merge(repo, cli(repo, "promote").stdout)
    _merge(repo, cli(repo, "rollback", "--env", "prod").stdout)
    # A new release in staging, verified: promoting it is not held.
    assert (
        cli(repo, "set-image", "--env", "staging", "--image", f"{REGISTRY}@{DIGEST_2}").returncode
        == 0
    )
    verified(repo, DIGEST_2)
    done = cli(repo, "promote")
    assert done.returncode == 0, done.stderr
    assert "Held-By" not in git(repo, "log", "-1", "--format=%B")


def _change_base(repo: Path) -> None:
    """A reviewed change to base/ merged to main, with staging re-hydrated (as CI does)."""
    path = repo / "argocd/bikeshare/base/deployment.yaml"
    path.write_text(path.read_text().replace("\nspec:\n", "\nspec:\n  minReadySeconds: 7\n", 1))
    assert "minReadySeconds" in path.read_text()
    assert cli(repo, "hydrate", "--check").returncode == 1  # stale until re-hydrated
    done = cli(repo, "hydrate")
    assert done.returncode == 0, done.stderr
    git(repo, "add", "argocd")
    git(repo, "commit", "--quiet", "-m", "base: minReadySeconds")


@pytest.mark.slow  # real git and kustomize, several commits (8 s)
def test_a_base_change_reaches_prod_only_by_promotion(repo):
    _verified_release(repo)
    _merge(repo, cli(repo, "promote").stdout)
    staging, prod = hydrated(repo, "staging"), hydrated(repo, "prod")

    _change_base(repo)
    assert b"minReadySeconds: 7" in hydrated(repo, "staging") != staging
    assert hydrated(repo, "prod") == prod  # byte-identical until the promotion merges
    assert cli(repo, "hydrate", "--check").returncode == 0

    # Same digest, new manifests: a promotion that carries only the rendered change.
    verified(repo, DIGEST_1)  # staging's Job ran again after the sync
    done = cli(repo, "promote")
    assert done.returncode == 0, done.stderr
    body = (repo / "build/promote-prod.md").read_text()
    assert "`Deployment/bikeshare`** changed" in body and "+  minReadySeconds: 7" in body
    _merge(repo, done.stdout)
    promoted = hydrated(repo, "prod")
    assert b"minReadySeconds: 7" in promoted

    # A second promotion of the same thing has nothing to do.
    refused = cli(repo, "promote")
    assert refused.returncode == 1 and "nothing to promote" in refused.stderr

    # Rollback: one revert restores prod byte for byte.
    _merge(repo, cli(repo, "rollback", "--env", "prod").stdout)
    assert hydrated(repo, "prod") == prod


def _squash(repo: Path, out: str, style: str) -> str:
    """Merge a PR branch as GitHub's squash merge does: one new commit on main whose message
    is the PR title plus either the commits' messages (COMMIT_MESSAGES, each subject as a
    bullet) or the PR body (PR_BODY)."""
    branch = out.split()[1].rstrip(",")
    body_file = Path(out.rsplit("PR body in ", 1)[1].strip().rstrip("."))
    subject = git(repo, "log", "-1", "--format=%s", branch)
    message = git(repo, "log", "-1", "--format=%B", branch)
    git(repo, "switch", "--quiet", "main")
    git(repo, "merge", "--quiet", "--squash", branch)
    if style == "COMMIT_MESSAGES":
        text = f"{subject} (#7)\n\n* " + message
    else:
        text = f"{subject} (#7)\n\n" + (repo / body_file).read_text()
    git(repo, "commit", "--quiet", "-m", text)
    git(repo, "branch", "--quiet", "-D", branch)
    return git(repo, "rev-parse", "HEAD")


@pytest.mark.slow  # real git, several commits (6 s)
@pytest.mark.parametrize("style", ["COMMIT_MESSAGES", "PR_BODY"])
def test_the_hold_survives_squash_merges(repo, style):
    _verified_release(repo)
    prod = hydrated(repo, "prod")
    promotion = _squash(repo, cli(repo, "promote").stdout, style)
    done = cli(repo, "rollback", "--env", "prod")
    assert done.returncode == 0, done.stderr
    # The rollback reverts main's squash commit, not the deleted branch's commit.
    assert f"Reverts-Promotion: {promotion}" in git(repo, "log", "-1", "--format=%B")
    rollback = _squash(repo, done.stdout, style)
    assert hydrated(repo, "prod") == prod

    refused = cli(repo, "promote")
    assert refused.returncode == 1
    assert f"prod rolled sha256:111111111111 back in {rollback[:12]}" in refused.stderr
    # Nothing left to roll back: the squashed promotion counts as reverted.
    assert cli(repo, "rollback", "--env", "prod").returncode == 1


def test_pr_bodies_render_from_a_scratch_repo(repo):
    """The public functions another tool renders to HTML, called directly."""
    from gitops.layout import Release
    from gitops.pr_body import promotion_body, rollback_body

    release = Release(REGISTRY, DIGEST_1, CHAMPION["version"])
    record = json.loads(Path(verified(repo, DIGEST_1, passed=False)).read_text())
    head = git(repo, "rev-parse", "HEAD")
    long_after = "\n---\n".join(
        f"kind: ConfigMap\nmetadata:\n  name: c{i}\ndata:\n"
        + "".join(f"  k{j}: v{j}\n" for j in range(30))
        for i in range(2)
    )
    body = promotion_body(repo, "staging", "prod", release, head, head, "", long_after, record)
    assert body.startswith("## ⚠ OVERRIDE: promote")  # the verification failed
    assert "| ✗ | staging verified it | its verification failed (version:" in body
    assert "| ✗ version | serves x, release pins x |" in body
    assert body.count("<details>") == 1  # every resource diff, collapsed under the first screen
    assert "**`ConfigMap/c0`** added" in body
    back = rollback_body("prod", head, release, release, reason="alert BikeshareDrift")
    assert back.startswith("## ⚠ ROLL BACK: prod to") and "**Why:** alert BikeshareDrift" in back
