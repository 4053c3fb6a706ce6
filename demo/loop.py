"""The whole loop, in a scratch clone of this repository, with real git, real images and
pods: champion on 2011-01 … 2011-11 → its image → staging played, verified, promoted, prod
played → 2011-12 arrives → retrain → gate → report → the new image → staging → verification
→ promotion → prod answers with the new model → rollback by revert → prod answers with the
old model again, and promoting the rolled-back digest again is refused. After every merge
the environment is played again from git (`python -m kubeplay up`, as `make up` does). The
real working tree is never written (build/demo/ keeps the two images' records)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx

from demo.narrate import say, step

REPO = Path(__file__).resolve().parents[1]
NEW_MONTH = "2011-12"
RELEASE = {
    env: Path(f"argocd/bikeshare/overlays/{env}/release/kustomization.yaml")
    for env in ("staging", "prod")
}
# What the loop could touch if it ever ran in the real tree: checked unchanged at the end.
GUARDED = ("config", "data", "reports", "argocd/bikeshare/overlays")
# Loopback ports of the demo's pods and registry (override for parallel checkouts).
PORTS = {
    "staging": int(os.environ.get("DEMO_STAGING_PORT", "3105")),
    "prod": int(os.environ.get("DEMO_PROD_PORT", "3106")),
}
REGISTRY_PORT = os.environ.get("REGISTRY_PORT", "5055")
CONTAINERS = REPO / ".containers"  # mk/image.mk's scratch: registry, key, policy
# One working-day morning rush hour of December, asked of every played environment.
QUESTION = {
    "season": 4, "mnth": "Dec", "hr": 8, "holiday": 0, "weekday": 3, "workingday": 1,
    "weathersit": "clear", "temp": 0.3, "atemp": 0.3, "hum": 0.6, "windspeed": 0.15,
}  # fmt: skip


class Scratch:
    """A clone of the committed repository in a temporary directory, with its own model store."""

    def __init__(self, root: Path):
        self.root = root
        self.env = {
            **os.environ,
            "BENTOML_HOME": str(root / ".bentoml"),
            "BENTOML_DO_NOT_TRACK": "true",
            # On 2 shared cores OpenMP's spinning threads made one training 30x slower
            # (98 s vs 3.4 s measured at load 10); one thread is plenty for 8,000 rows.
            "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1"),
            "GIT_AUTHOR_NAME": "bikeshare demo",
            "GIT_AUTHOR_EMAIL": "demo@example.invalid",
            "GIT_COMMITTER_NAME": "bikeshare demo",
            "GIT_COMMITTER_EMAIL": "demo@example.invalid",
            # Fixed dates: the same commits on every run. The bentos still change: each
            # champion record names its MLflow run, a new id each time, so both images are
            # rebuilt (on podman's cached layers: only the bento's files and the squash).
            "GIT_AUTHOR_DATE": "2012-01-02T09:00:00+00:00",
            "GIT_COMMITTER_DATE": "2012-01-02T09:00:00+00:00",
            "CONTAINERS_CONF": str(REPO / "image" / "containers.conf"),
        }

    def run(self, *args: str, ok: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess:
        proc = subprocess.run(
            args, cwd=self.root, env=self.env, capture_output=True, text=True, check=False
        )
        if proc.returncode not in ok:
            tail = (proc.stderr.strip() or proc.stdout.strip())[-1500:]
            raise RuntimeError(f"{' '.join(args[:4])} exited {proc.returncode}:\n{tail}")
        return proc

    def python(self, *args: str, ok: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess:
        # cwd is the clone, so `-m model` and `-m gitops` import the clone's code.
        return self.run(sys.executable, "-m", *args, ok=ok)

    def git(self, *args: str) -> str:
        return self.run("git", *args).stdout.strip()

    def commit(self, message: str, *paths: str) -> str:
        self.git("add", "--all", "--", *paths)
        self.git("commit", "--quiet", "--no-gpg-sign", "-m", message)
        return self.git("rev-parse", "--short=12", "HEAD")

    def release(self, env: str) -> str:
        text = (self.root / RELEASE[env]).read_text()
        fields = dict(
            line.strip().split(": ", 1) for line in text.splitlines() if ": " in line.strip()
        )
        digest = fields["digest"].removeprefix("sha256:")[:12]
        model = fields["bikeshare.acme-mlops.io/model-version"].strip('"')
        return f"{fields['newName']}@sha256:{digest}… model {model}"


def tree_digest(*paths: Path) -> str:
    """sha256 over directories' files (names and bytes): detects changes in the real tree."""
    digest = hashlib.sha256()
    for path in paths:
        for file in sorted(p for p in path.rglob("*") if p.is_file()):
            digest.update(file.relative_to(path).as_posix().encode() + b"\0" + file.read_bytes())
    return f"sha256:{digest.hexdigest()}"


def guarded_state() -> dict[str, str]:
    """Digests of what the loop would change if it ran here (HEAD is left out: other people
    may commit meanwhile)."""
    state = {}
    for name in GUARDED:
        path = REPO / name
        state[name] = tree_digest(path) if path.is_dir() else tree_digest_file(path)
    return state


def tree_digest_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "absent"


def first_line(text: str, prefix: str) -> str:
    return next((line for line in text.splitlines() if line.startswith(prefix)), "")


def make(*args: str, env: dict[str, str] | None = None) -> None:
    """A make target of the real checkout (image, push, sign), its log kept on failure."""
    command = [os.environ.get("MAKE", "make"), "-s", *args, f"REGISTRY_PORT={REGISTRY_PORT}"]
    proc = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        tail = (proc.stderr.strip() or proc.stdout.strip())[-1500:]
        raise RuntimeError(f"make {' '.join(args)} exited {proc.returncode}:\n{tail}")


def build_image(scratch: Scratch, name: str) -> str:
    """The scratch clone's bento → image → loopback registry → signature; its reference.
    Records live in build/demo/<name>/ (an image for the same bento is reused)."""
    out = REPO / "build" / "demo" / name
    out.mkdir(parents=True, exist_ok=True)
    tag = scratch.python("bento.build").stdout.strip().splitlines()[-1]
    (out / "bento-tag.txt").write_text(tag + "\n")
    make(
        "image", "push", "sign",
        f"BENTO_TAG_FILE={out / 'bento-tag.txt'}", f"IMAGE_RECORD={out / 'image.env'}",
        f"IMAGE_OUT={out}",
        env={**os.environ, "BENTOML_HOME": scratch.env["BENTOML_HOME"]},
    )  # fmt: skip
    ref = (out / "image-ref.txt").read_text().strip()
    say(f"bento {tag} → image {ref}")
    return ref


def kubeplay_local(scratch: Scratch, command: str, env: str, ok=(0,)):
    """`python -m kubeplay up|verify|down` in the clone, as `make up|verify|down` runs it."""
    return scratch.python(
        "kubeplay", command, "--env", env, "--registry", f"127.0.0.1:{REGISTRY_PORT}",
        "--port", str(PORTS[env]), "--policy", str(CONTAINERS / "policy.json"),
        "--registries-d", str(CONTAINERS / "registries.d"), ok=ok,
    )  # fmt: skip


def play(scratch: Scratch, env: str) -> str:
    """Play ENV again from git and say what it answers; returns its model version."""
    out = kubeplay_local(scratch, "up", env).stdout.strip().splitlines()
    say(out[0])
    url = f"http://127.0.0.1:{PORTS[env]}"
    version = httpx.get(f"{url}/version", timeout=10).json()["model_version"]
    answer = httpx.post(f"{url}/predict", json={"records": [QUESTION]}, timeout=10)
    rentals = answer.raise_for_status().json()["rentals"][0]
    say(
        f"{env} at {url} answers: /version model {version}; "
        f"8h on a clear December working day → {rentals:.1f} rentals"
    )
    return version


def verify(scratch: Scratch, env: str) -> None:
    proc = kubeplay_local(scratch, "verify", env, ok=(0, 1))
    say((proc.stdout + proc.stderr).strip())
    if proc.returncode != 0:
        raise RuntimeError(f"the verification of {env} failed: nothing to promote")


def main(bento_tag: str | None = None, image_ref: str | None = None) -> int:
    before = guarded_state()
    base = Path(tempfile.mkdtemp(prefix="bikeshare-loop-"))
    scratch = Scratch(base / "repo")
    try:
        _loop(scratch)
    except RuntimeError as err:
        print(f"the loop stopped: {err}", file=sys.stderr, flush=True)
        return 1
    finally:
        for env in PORTS:
            if (scratch.root / "build" / "up" / env / "played.yaml").exists():
                kubeplay_local(scratch, "down", env, ok=(0, 1))
        if os.environ.get("KEEP_LOOP"):
            print(f"    scratch clone kept in {base}", flush=True)
        else:
            shutil.rmtree(base, ignore_errors=True)
    changed = [name for name, value in guarded_state().items() if before[name] != value]
    if changed:
        print(f"the real repository changed during the loop: {', '.join(changed)}", flush=True)
        return 1
    say("real working tree untouched: data/, config/, reports/, overlays unchanged")
    return 0


def _loop(scratch: Scratch) -> None:
    with step(f"The loop, in a scratch clone: the champion before {NEW_MONTH}, its real image"):
        subprocess.run(["git", "clone", "--quiet", str(REPO), str(scratch.root)], check=True)
        # The clone's `main` is this checkout's HEAD, whatever branch that is.
        scratch.git("switch", "--quiet", "-C", "main")
        scratch.git("rm", "--quiet", f"data/{NEW_MONTH}.csv")
        (scratch.root / "config" / "champion.json").unlink()
        out = scratch.python("model", "train").stdout
        old = first_line(out, "candidate ").split()[1].rstrip(":")
        say(scratch.python("gitops", "golden").stdout.strip())
        # reports/ holds the current champion's report only: training replaced it.
        scratch.commit(f"model: champion {old} on data up to 2011-11", "data", "config", "reports")
        say(f"clone of HEAD in {scratch.root}, without data/{NEW_MONTH}.csv")
        say(f"champion {old}: trained on 2011-01 … 2011-10, holdout 2011-11")
        make("image-tools")
        old_ref = build_image(scratch, "old-champion")
        scratch.python("gitops", "set-image", "--env", "staging", "--image", old_ref)
        play(scratch, "staging")
        verify(scratch, "staging")
        _promote_and_merge(scratch)
        play(scratch, "prod")

    with step(f"New data arrives: data/{NEW_MONTH}.csv, committed like any data change"):
        shutil.copy(REPO / "data" / f"{NEW_MONTH}.csv", scratch.root / "data")
        sha = scratch.commit(f"data: {NEW_MONTH}", "data")
        say(f"commit {sha}: on GitHub this push starts the retrain workflow")

    with step("make retrain: what changed → validate → drift → train → gate → report"):
        proc = scratch.python("model", "retrain", ok=(0, 1))
        for line in proc.stdout.splitlines():
            say(line)
        if proc.returncode != 0:
            raise RuntimeError("the gate rejected the December candidate: nothing to release")
        version = first_line(proc.stdout, "candidate ").split()[1].rstrip(",:")
        report = scratch.root / "reports" / version / "report.md"
        say(f"the report's verdict line: {report.read_text().splitlines()[2]}")
        say(scratch.python("gitops", "golden").stdout.strip())
        sha = scratch.commit(f"model: retrained champion {version}", "reports", "config")
        say(f"commit {sha}: the retrain PR (record, report, golden set), merged by a reviewer")

    with step("Release: the new image, pinned by digest in staging, played, verified"):
        new_ref = build_image(scratch, "new-champion")
        out = scratch.python("gitops", "set-image", "--env", "staging", "--image", new_ref).stdout
        say(out.strip())
        play(scratch, "staging")
        verify(scratch, "staging")

    with step("Promotion: staging's verified release to prod (a PR), merged, prod played"):
        prod_before = (scratch.root / RELEASE["prod"]).read_bytes()
        _promote_and_merge(scratch)
        if play(scratch, "prod") != version:
            raise RuntimeError(f"prod does not answer with the promoted model {version}")

    with step("Rollback: revert the promotion (make rollback ENV=prod), merged, prod played"):
        out = scratch.python("gitops", "rollback", "--env", "prod").stdout.strip()
        say(out)
        _merge(scratch, out.split()[1].rstrip(","))
        if play(scratch, "prod") != old:
            raise RuntimeError(f"prod does not answer with the old model {old} after the rollback")
        restored = (scratch.root / RELEASE["prod"]).read_bytes() == prod_before
        say(f"prod release file byte-identical to before the promotion: {restored}")
        refused = scratch.python("gitops", "promote", ok=(1,)).stderr.strip()
        say(f"promoting the rolled-back digest again: refused: {refused}")
        say("main's history in the scratch clone, newest first:")
        for line in scratch.git("log", "--oneline", "--first-parent", "-9").splitlines():
            say(f"  {line}")


def _merge(scratch: Scratch, branch: str) -> None:
    scratch.git("switch", "--quiet", "main")
    scratch.git("merge", "--quiet", "--no-ff", "--no-gpg-sign", "-m", f"Merge {branch}", branch)
    scratch.git("branch", "--quiet", "-d", branch)  # GitHub deletes merged PR branches
    say(f"{branch} merged into main (the reviewed PR)")


def _promote_and_merge(scratch: Scratch) -> None:
    out = scratch.python("gitops", "promote", "--from", "staging", "--to", "prod").stdout.strip()
    say(out)
    _merge(scratch, out.split()[1].rstrip(","))


if __name__ == "__main__":
    sys.exit(main())
