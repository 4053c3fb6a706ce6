"""make up / make down: run what git pins for an environment with `podman kube play`.

up: render the overlay (with the local layer, kubeplay/local.py) → every image pinned by
digest → pull each through the signature policy → play the Deployment → wait until podman
runs the manifest's own probes successfully (liveness as podman's health check, readiness
executed in the container) → print the URL. Kinds podman cannot run are listed, never
dropped silently. Any refusal before the play leaves what was running as it was; a new pod
that never gets ready is removed and the previous manifest is played again.
"""

from __future__ import annotations

import json
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import yaml

from gitops import git
from gitops.errors import Refusal
from gitops.layout import IMAGE_REF, PLACEHOLDER, Release, read_release, release_path
from kubeplay import podman
from kubeplay.local import LocalTarget, render_local

# What podman 4.3 plays from these manifests; everything else is listed with the reason.
PLAYED = ("Deployment",)
NOT_PLAYED = {
    "ServiceAccount": "no API server here (no token, no IRSA role)",
    "Service": "the container port is published on 127.0.0.1 instead (hostPort)",
    "HorizontalPodAutoscaler": "one replica here",
    "PodDisruptionBudget": "one host, no evictions",
    "NetworkPolicy": "podman enforces no network policies",
    "Ingress": "no load balancer here: the printed URL stands in for it",
    "Job": "its pod template runs as a Pod in `make verify`",
    "CronJob": "its pod template runs as a Pod in `make score-pod`",
    "ExternalSecret": "no AWS Secrets Manager here: on a cluster External Secrets makes the Secret",
}


@dataclass(frozen=True)
class Played:
    """What `make up` left running, read by `make verify` and `make down`."""

    env: str
    commit: str
    image: str
    model_version: str
    url: str
    pod: str
    container: str

    @staticmethod
    def path(target: LocalTarget) -> Path:
        return target.directory / "state.json"

    @classmethod
    def load(cls, target: LocalTarget) -> Played:
        path = cls.path(target)
        if not path.is_file():
            raise Refusal(f"{target.env} is not running here: run make up ENV={target.env} first.")
        return cls(**json.loads(path.read_text()))


def containers(doc: dict) -> list[dict]:
    """The containers of a Pod, or of the pod template of a workload; [] for other kinds."""
    spec = doc.get("spec") or {}
    if "jobTemplate" in spec:
        spec = spec["jobTemplate"]["spec"]
    if "template" in spec:
        spec = spec["template"]["spec"]
    elif doc["kind"] != "Pod":
        return []
    return spec.get("containers", [])


def check_pinned(docs: list[dict]) -> None:
    for doc in docs:
        for container in containers(doc):
            if not IMAGE_REF.match(container["image"]):
                raise Refusal(
                    f"{doc['kind']}/{doc['metadata']['name']} runs {container['image']}, which "
                    "is not pinned by digest (REGISTRY/REPOSITORY@sha256:...): nothing was played"
                )


def pod_name(deployment: dict) -> str:
    return f"{deployment['metadata']['name']}-pod-0"  # podman kube play's name for replica 0


def wait_ready(deployment: dict, timeout: float) -> float:
    """Seconds until the played pod passes both of the manifest's probes. Polled from the
    host through the published port first: every podman call costs ~0.3 s of CPU, so the
    probes run in the container only once the port answers (and again until both pass)."""
    pod = pod_name(deployment)
    spec = containers(deployment)[0]
    container = f"{pod}-{spec['name']}"
    readiness = spec["readinessProbe"]["exec"]["command"]
    port = spec["ports"][0]
    url = f"http://127.0.0.1:{port['hostPort']}{urllib.parse.urlsplit(readiness[-1]).path}"
    started = last_check = time.monotonic()
    while time.monotonic() - started < timeout:
        if time.monotonic() - last_check > 10 or answers(url):
            last_check = time.monotonic()
            if not podman.running(container):
                raise Refusal(
                    f"the new pod {pod} stopped before it was ready (last log: "
                    f"{podman.logs_tail(container, 1) or 'empty'})"
                )
            live = podman.run("podman", "healthcheck", "run", container, check=False)
            ready = podman.run("podman", "exec", container, *readiness, check=False)
            if live.returncode == 0 and ready.returncode == 0:
                return time.monotonic() - started
        time.sleep(1)
    raise Refusal(f"the new pod {pod} was not ready within {timeout:.0f} s")


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
            return response.status == 200
    except (OSError, ValueError):
        return False


def pinned_release(target: LocalTarget) -> Release:
    """The environment's release file, which must pin the image by digest."""
    try:
        return read_release(target.root, target.env)
    except (KeyError, StopIteration, TypeError, ValueError, yaml.YAMLError):
        raise Refusal(
            f"{release_path(target.env)} pins no image by digest (images[bikeshare].digest and "
            "the model-version annotation): nothing was played"
        ) from None


def _workload(target: LocalTarget, release: Release) -> tuple[list[dict], list[dict], list[str]]:
    """(all rendered documents, what podman plays, lines naming what it does not)."""
    if release.digest == PLACEHOLDER:
        raise Refusal(
            f"{target.env} pins no released image yet (the placeholder digest): release one "
            f"first (make release ENV={target.env}, or make promote for prod)"
        )
    docs = render_local(target, release)
    check_pinned(docs)
    played = [d for d in docs if d["kind"] in PLAYED]
    skipped = [
        f"  {d['kind']}/{d['metadata']['name']}: "
        + NOT_PLAYED.get(d["kind"], "a kind podman kube play does not run")
        for d in docs
        if d["kind"] not in PLAYED
    ]
    return docs, played, skipped


def up(target: LocalTarget, policy: Path, registries_d: Path, timeout: float = 240) -> str:
    root = target.root
    release = pinned_release(target)
    docs, played, skipped = _workload(target, release)
    for ref in sorted({c["image"] for d in played for c in containers(d)}):
        podman.pull_signed(ref, policy, registries_d)
    directory = target.directory
    candidate, current = directory / "candidate.yaml", directory / "played.yaml"
    candidate.write_text(yaml.safe_dump_all(played, sort_keys=False))
    deployment = played[0]
    podman.play(candidate)
    try:
        seconds = wait_ready(deployment, timeout)
    except Refusal as failure:
        podman.down(candidate)
        if current.is_file():
            podman.play(current)
            previous = yaml.safe_load_all(current.read_text())
            wait_ready(next(d for d in previous if d["kind"] == "Deployment"), timeout)
            raise Refusal(
                f"{failure}: it was removed and the previous release runs again"
            ) from None
        raise Refusal(f"{failure}: it was removed, nothing runs for {target.env}") from None
    candidate.replace(current)
    (directory / "rendered.yaml").write_text(yaml.safe_dump_all(docs, sort_keys=False))
    state = Played(
        target.env,
        git.head(root),
        containers(deployment)[0]["image"],
        release.model_version,
        target.url,
        pod_name(deployment),
        f"{pod_name(deployment)}-{containers(deployment)[0]['name']}",
    )
    Played.path(target).write_text(json.dumps(state.__dict__, indent=2) + "\n")
    return "\n".join(
        [
            f"{target.env}: {state.image} (model {state.model_version}) from commit "
            f"{state.commit[:12]}, pod {state.pod} ready in {seconds:.1f} s",
            "not played here (podman kube play does not run these kinds):",
            *skipped,
            f"{target.env} ready at {target.url}",
        ]
    )


def down(target: LocalTarget) -> str:
    current = target.directory / "played.yaml"
    if not current.is_file():
        return f"{target.env}: nothing played from this checkout."
    podman.down(current)
    current.unlink()
    Played.path(target).unlink(missing_ok=True)
    return f"{target.env}: pod removed."
