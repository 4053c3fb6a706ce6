"""A bad deploy opens its own rollback, with played prod pods: the loop of
tests/autorollback/test_autorollback_live.py run against `make up ENV=prod` instead of the
served bento, with two real signed images in a loopback registry.

Release A is the session's signed image. Release B is a deliberately bad image built FROM A
(podman build), pushed and signed like A: its /predict waits 2 s once a fault switch is set (a
file in /tmp named after the pod's hostname), so B passes staging's verification as a latent
fault would and turns slow in prod when the test sets the switch (`podman exec`). A scratch
repository with real git pins A, plays and verifies staging, promotes to prod (the branch
merged as a reviewer would) and plays prod; then the same for B. A real Prometheus scrapes the
played prod pod's /metrics (its hostPort) with the shipped rules (`for:` 0s), a real
Alertmanager routes with the shipped configuration to the receiver (autorollback/) on the
scratch repository, which makes the revert branch; the test merges it with git, plays prod
again and checks that the pod runs A's digest, answers /version with A's model version and
/predict fast even with the switch set. Prints the timeline fault -> alert -> branch -> prod
healthy.

Fixed hostPorts 3121 (staging) and 3122 (prod): one module, one xdist worker (loadfile).
Not here: Argo CD (the merge is played with kubeplay) and GitHub (the branch stays in the
scratch clone)."""

from __future__ import annotations

import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from gitops.layout import Release, release_path
from model import record as records
from tests.autorollback.alert_path import alert_path
from tests.image.conftest import run
from tests.image.test_image_play import _push, git, gitops, new_repo
from tests.monitoring.test_live_alerts import predict

# Alone: another played bento pod on the machine shares podman's one emptyDir volume with
# this prod pod; seen in full runs, the alert then never fired (never when run by itself).
pytestmark = [pytest.mark.slow, pytest.mark.alone]

STAGING_PORT, PROD_PORT = 3121, 3122  # hostPorts; one module, one xdist worker (loadfile)
# podman 4.3 plays the Deployment's emptyDir /tmp as one named volume, `tmp`, that every pod
# played on this machine shares (and that outlives them): the switch is named after the pod.
FAULT_SWITCH = "/tmp/bikeshare-fault-"  # + the pod's hostname
SLEEP_S = 2.0

# Run inside the build of B, on A's own copy of the service: /predict is answered by the lean
# route (bento/bentoml_fixes/lean_route.py) inside BentoML's request metrics; the fault is an
# asynchronous wait there, so that the event loop (and /metrics) stays free.
PATCH = f'''
import pathlib
path = pathlib.Path("/home/bentoml/bento/src/bento/bentoml_fixes/lean_route.py")
text = path.read_text()
anchor = "        if path in OFF_THE_LOOP:\\n"
assert text.count(anchor) == 1, "lean_route.py moved: the fault has no place"
fault = (
    '        if path == "/predict" and __import__("os").path.exists(\\n'
    '            "{FAULT_SWITCH}" + __import__("socket").gethostname()\\n'
    "        ):\\n"
    "            await asyncio.sleep({SLEEP_S})  # the deliberately bad release\\n"
)
path.write_text(text.replace(anchor, fault + anchor))
'''


def bad_image(base: str, registry: str, scratch: Path, out: Path, work: Path) -> str:
    """B: A with the switched fault, built with podman build, pushed and signed as A is."""
    (work / "fault_patch.py").write_text(PATCH)
    (work / "Containerfile").write_text(
        f"FROM {base}\nCOPY fault_patch.py /tmp/fault_patch.py\n"
        "RUN /app/.venv/bin/python /tmp/fault_patch.py\n"
    )
    tag = f"localhost/bikeshare-bad:{work.parent.name}"
    run("podman", "build", "--quiet", "--pull=never", "--network=none", "-t", tag, str(work),
        timeout=600)  # fmt: skip
    try:
        ref = _push(tag, registry, "bad")
    finally:
        run("podman", "rmi", "--force", tag, check=False)
    run(sys.executable, "-m", "scripts.sign", "gpg", ref, str(scratch), str(out))
    return ref


def switch(container: str, on: bool) -> None:
    """The fault switch of CONTAINER's pod, set or cleared from inside it."""
    action = "touch()" if on else "unlink(missing_ok=True)"
    code = f"import pathlib, socket; pathlib.Path('{FAULT_SWITCH}' + socket.gethostname()).{action}"
    run("podman", "exec", container, "/app/.venv/bin/python", "-c", code, check=on)


def image_id(name: str, kind: str = "container") -> str:
    field = "{{.Image}}" if kind == "container" else "{{.Id}}"
    return run("podman", kind, "inspect", "--format", field, name).stdout.strip()


def prod_digest(repo: Path) -> str:
    return Release.loads((repo / release_path("prod")).read_text()).digest


def played_state(repo: Path, env: str) -> dict:
    return json.loads((repo / f"build/up/{env}/state.json").read_text())


def release(repo: Path, ref: str, kwargs: dict, pin: bool = True) -> None:
    """set-image staging, play and verify it (evidence in the store), promote to prod, merge
    the promotion's branch, play prod."""
    if pin:  # new_repo pinned the first one
        done = gitops(repo, "set-image", "--env", "staging", "--image", ref)
        assert done.returncode == 0, done.stderr
    for step in (("up", "--env", "staging"), ("verify", "--env", "staging")):
        done = gitops(repo, *step, port=STAGING_PORT, **kwargs)
        assert done.returncode == 0, done.stderr + done.stdout
    gitops(repo, "down", "--env", "staging", port=STAGING_PORT, **kwargs)
    done = gitops(repo, "promote", "--from", "staging", "--to", "prod")
    assert done.returncode == 0, done.stderr
    branch = git(repo, "rev-parse", "--abbrev-ref", "HEAD")
    git(repo, "switch", "--quiet", "main")
    git(repo, "merge", "--quiet", "--no-ff", "-m", f"Merge {branch}", branch)
    assert prod_digest(repo) == ref.split("@", 1)[1]
    done = gitops(repo, "up", "--env", "prod", port=PROD_PORT, **kwargs)
    assert done.returncode == 0, done.stderr
    assert played_state(repo, "prod")["image"].endswith(ref.split("@", 1)[1])


def test_a_bad_played_release_is_rolled_back_and_prod_serves_the_previous_image(
    signed, built_image, image_dirs, tmp_path
):
    started = time.monotonic()
    good = signed[0]
    registry = good.split("/", 1)[0]
    scratch, out = image_dirs["scratch"], image_dirs["out"]
    kwargs = {"registry": registry, "scratch": scratch}
    (tmp_path / "build").mkdir()
    bad = bad_image(built_image["IMAGE_NAME"], registry, scratch, out, tmp_path / "build")
    assert bad.split("@")[1] != good.split("@")[1]
    champion_version = records.load()["version"]
    url = f"http://127.0.0.1:{PROD_PORT}"

    repo = new_repo(tmp_path / "scratch" / "repo", good)
    bad_id = None
    try:
        git(repo, "config", "commit.gpgsign", "false")
        release(repo, good, kwargs, pin=False)
        release(repo, bad, kwargs)
        container = played_state(repo, "prod")["container"]
        bad_local = played_state(repo, "prod")["image"]
        bad_id = image_id(bad_local, "image")
        released = time.monotonic()

        target = f"127.0.0.1:{PROD_PORT}"
        with alert_path(repo, target, champion_version, tmp_path) as path:
            receiver = path.receiver
            before = [predict(url) for _ in range(5)]  # B serves fast while the switch is off
            assert max(before) < 0.5, before
            time.sleep(3)  # a few clean scrapes first

            fault = time.monotonic()
            switch(container, on=True)
            with ThreadPoolExecutor(8) as pool:
                slow = list(pool.map(lambda _: predict(url), range(8)))
            assert min(slow) >= SLEEP_S, slow
            deadline = time.monotonic() + 60
            while not receiver.events and time.monotonic() < deadline:
                time.sleep(0.2)
            assert receiver.events, "no rollback branch within 60 s of the fault"
            [event] = receiver.events
            assert event["alert"] == "BikeshareHighLatency"

            # The reviewer merges the revert; kubeplay plays what main pins for prod now.
            git(repo, "merge", "--quiet", "--no-ff", "-m", "Merge rollback", event["branch"])
            assert prod_digest(repo) == good.split("@", 1)[1]
            merged = time.monotonic()
            done = gitops(repo, "up", "--env", "prod", port=PROD_PORT, **kwargs)
            assert done.returncode == 0, done.stderr
            state = played_state(repo, "prod")
            assert state["image"].endswith(good.split("@", 1)[1]), state
            # The running container's image is the one A's reference resolves to, not B's.
            running = image_id(state["container"])
            assert running == image_id(state["image"], "image") != bad_id
            version = httpx.get(f"{url}/version", timeout=10).json()
            assert version["model_version"] == champion_version
            # A's code: the same switch set in the new pod changes nothing.
            switch(state["container"], on=True)
            after = [predict(url) for _ in range(5)]
            assert max(after) < 0.5, after
            healthy = time.monotonic()
    finally:
        state_file = repo / "build/up/prod/state.json"
        if state_file.is_file():  # the switch outlives the pod in the shared volume
            switch(played_state(repo, "prod")["container"], on=False)
        for env, port in (("staging", STAGING_PORT), ("prod", PROD_PORT)):
            gitops(repo, "down", "--env", env, port=port, **kwargs)
        if bad_id:  # B as pulled from the registry (A is the session's build)
            run("podman", "rmi", bad_id, check=False)
    alert_seen = receiver.first_notification - fault
    print(
        f"\ntimeline (s from the fault, played prod pods): alert at the receiver "
        f"{alert_seen:.1f}, rollback branch {event['at'] - fault:.1f}, "
        f"merged {merged - fault:.1f}, prod played again and healthy on the previous image "
        f"{healthy - fault:.1f} "
        f"(slow requests {min(slow):.1f}-{max(slow):.1f} s, after {max(after) * 1000:.0f} ms); "
        f"setup {fault - started:.1f} (of which two releases {released - started:.1f})"
    )
