"""The whole loop, in a scratch clone of this repository, with real git and the real CLIs:
champion on 2011-01 … 2011-11 → 2011-12 arrives → retrain → gate → report → release to
staging → promotion to prod → rollback by revert. The real working tree is never written."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from demo.narrate import say, step

REPO = Path(__file__).resolve().parents[1]
NEW_MONTH = "2011-12"
# Stand-in registry for digests that name no pushed image (see release_ref).
STAND_IN = "127.0.0.1:5000/bikeshare"
RELEASE = {
    env: Path(f"argocd/bikeshare/overlays/{env}/release/kustomization.yaml")
    for env in (
        "staging",
        "prod",
    )
}
# What the loop could touch if it ever ran in the real tree: checked unchanged at the end.
GUARDED = ("config/champion.json", "data", "reports", "argocd/bikeshare/overlays")


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
    """sha256 over directories' files (names and bytes): a content id for an artifact."""
    digest = hashlib.sha256()
    for path in paths:
        for file in sorted(p for p in path.rglob("*") if p.is_file()):
            digest.update(file.relative_to(path).as_posix().encode() + b"\0" + file.read_bytes())
    return f"sha256:{digest.hexdigest()}"


def release_ref(
    scratch: Scratch, version: str, bento_tag: str | None, image_ref: str | None
) -> tuple[str, str]:
    """(image reference, what it is): a real pushed image when the demo made one, else a
    clearly labelled stand-in digest of what an image would hold: the bento and the model."""
    if image_ref:
        return image_ref, "the image this demo pushed to the loopback registry"
    model_dir = scratch.root / ".bentoml" / "models" / "bikeshare" / version
    if bento_tag:
        import bentoml

        bento = bentoml.bentos.get(bento_tag)
        if any(m.tag.version == version for m in bento.info.all_models):
            return (
                f"{STAND_IN}@{tree_digest(Path(bento.path), model_dir)}",
                f"STAND-IN: sha256 of bento {bento_tag} (built above, it serves model "
                f"{version}) and the model's files; no image was built in this run",
            )
    return (
        f"{STAND_IN}@{tree_digest(model_dir)}",
        f"STAND-IN: sha256 of model bikeshare:{version}'s files; no image was built in this run",
    )


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


def main(bento_tag: str | None = None, image_ref: str | None = None) -> int:
    before = guarded_state()
    base = Path(tempfile.mkdtemp(prefix="bikeshare-loop-"))
    try:
        scratch = Scratch(base / "repo")
        _loop(scratch, bento_tag, image_ref)
    except RuntimeError as err:
        print(f"the loop stopped: {err}", file=sys.stderr, flush=True)
        return 1
    finally:
        if os.environ.get("KEEP_LOOP"):
            print(f"    scratch clone kept in {base}", flush=True)
        else:
            shutil.rmtree(base, ignore_errors=True)
    changed = [name for name, value in guarded_state().items() if before[name] != value]
    if changed:
        print(f"the real repository changed during the loop: {', '.join(changed)}", flush=True)
        return 1
    say("real working tree untouched: data/, config/champion.json, reports/, overlays unchanged")
    return 0


def _loop(scratch: Scratch, bento_tag: str | None, image_ref: str | None) -> None:
    with step(f"The loop, in a scratch clone: rewind to before {NEW_MONTH}"):
        subprocess.run(["git", "clone", "--quiet", str(REPO), str(scratch.root)], check=True)
        scratch.git("rm", "--quiet", f"data/{NEW_MONTH}.csv")
        (scratch.root / "config" / "champion.json").unlink()
        out = scratch.python("model", "train").stdout
        champion = first_line(out, "candidate ").split()[1].rstrip(":")
        scratch.commit(f"model: champion {champion} on data up to 2011-11", "data", "config")
        say(f"clone of HEAD in {scratch.root}, without data/{NEW_MONTH}.csv")
        say(f"champion {champion}: trained on 2011-01 … 2011-10, holdout 2011-11")
        ref, what = release_ref(scratch, champion, None, None)
        scratch.python("gitops", "set-image", "--env", "staging", "--image", ref)
        _promote_and_merge(scratch)
        say(f"prod runs {scratch.release('prod')} ({what.split(';')[0]})")

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
        plots = ", ".join(sorted(p.name for p in report.parent.glob("*.png")))
        say(f"the report's verdict line: {report.read_text().splitlines()[2]}")
        say(f"with plots {plots}")
        sha = scratch.commit(
            f"model: retrained champion {version}", "config/champion.json", "reports"
        )
        say(f"commit {sha}: the retrain PR (record + report), merged by a reviewer")

    with step("Release: the new digest goes into the staging overlay (make set-image)"):
        ref, what = release_ref(scratch, version, bento_tag, image_ref)
        out = scratch.python("gitops", "set-image", "--env", "staging", "--image", ref).stdout
        say(out.strip())
        say(f"digest: {what}")
        say(f"staging runs {scratch.release('staging')}; Argo CD syncs staging from main")

    with step("Promotion: a branch and commit copying staging's release to prod"):
        prod_before = (scratch.root / RELEASE["prod"]).read_bytes()
        _promote_and_merge(scratch)
        say(f"prod runs {scratch.release('prod')}")

    with step("Rollback: revert the promotion (make rollback ENV=prod), merged"):
        out = scratch.python("gitops", "rollback", "--env", "prod").stdout.strip()
        branch = out.split()[1].rstrip(",")
        say(out)
        scratch.git("switch", "--quiet", "main")
        scratch.git("merge", "--quiet", "--no-ff", "--no-gpg-sign", "-m", f"Merge {branch}", branch)
        restored = (scratch.root / RELEASE["prod"]).read_bytes() == prod_before
        say(f"prod runs {scratch.release('prod')} again")
        say(f"prod release file byte-identical to before the promotion: {restored}")
        if not restored:
            raise RuntimeError("the rollback did not restore prod's previous release")
        say("main's history in the scratch clone, newest first:")
        for line in scratch.git("log", "--oneline", "--first-parent", "-6").splitlines():
            say(f"  {line}")


def _promote_and_merge(scratch: Scratch) -> None:
    out = scratch.python("gitops", "promote", "--from", "staging", "--to", "prod").stdout.strip()
    branch = out.split()[1].rstrip(",")
    say(out)
    scratch.git("switch", "--quiet", "main")
    scratch.git("merge", "--quiet", "--no-ff", "--no-gpg-sign", "-m", f"Merge {branch}", branch)
    say(f"{branch} merged into main (the reviewed PR): Argo CD syncs prod")


if __name__ == "__main__":
    sys.exit(main())
