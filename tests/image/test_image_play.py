"""`make up` for real: the staging overlay played with podman kube play from a git repository
that pins the session's signed image; the security context in force in the running
container; the verification Job's pod passing and failing; bad inputs refused with what was
running left running; `make down`."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import yaml

from gitops.layout import OVERLAYS
from tests.fixtures.service import run_newman
from tests.image.conftest import REPO, run

pytestmark = pytest.mark.slow

PORT, OTHER_PORT = 3111, 3112  # hostPorts; one module, one xdist worker (loadfile)


def git(repo: Path, *args: str) -> str:
    return run("git", "-C", str(repo), *args).stdout.strip()


def gitops(
    repo: Path,
    *args: str,
    registry: str = "",
    scratch: Path | None = None,
    port=PORT,
    env: dict | None = None,
):
    """`python -m gitops` (or `-m kubeplay` for the podman commands) as make calls it; `env`
    adds variables (the evidence store, a role's credentials)."""
    extra, package = [], "gitops"
    if args[0] in ("up", "down", "verify", "score-pod"):
        package = "kubeplay"
    if args[0] in ("up", "down", "verify"):
        extra = ["--registry", registry, "--port", str(port), "--timeout", "120"]
        extra += ["--policy", str(scratch / "policy.json")]
        extra += ["--registries-d", str(scratch / "registries.d")]
    return subprocess.run(
        [sys.executable, "-m", package, "--root", str(repo), *args, *extra],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={
            **{k: v for k, v in os.environ.items() if not (env and k.startswith("AWS_"))},
            "PYTHONPATH": str(REPO),
            "EVIDENCE_STORE": str(repo.parent / "evidence"),
            **(env or {}),
        },
        timeout=600,
    )


def new_repo(path: Path, image_ref: str, model_version: str | None = None) -> Path:
    """A repository with this project's argocd/, config/ and champion record, staging
    pinning IMAGE_REF (as the release workflow leaves it)."""
    for name in ("argocd", "config", "model"):
        shutil.copytree(REPO / name, path / name, ignore=shutil.ignore_patterns("*.py", "__*"))
    (path / ".gitignore").write_text("build/\n")
    git(path, "init", "--quiet", "--initial-branch=main")
    for key, value in (("user.name", "t"), ("user.email", "t@example.invalid")):
        git(path, "config", key, value)
    git(path, "add", ".")
    git(path, "commit", "--quiet", "-m", "initial")
    args = ["set-image", "--env", "staging", "--image", image_ref]
    done = gitops(path, *args, *(["--model-version", model_version] if model_version else []))
    assert done.returncode == 0, done.stderr
    return path


@pytest.fixture(scope="module")
def registry_of(signed) -> str:
    return signed[0].split("/", 1)[0]


@pytest.fixture(scope="module")
def played(signed, image_dirs, registry_of, tmp_path_factory):
    """staging played from git; yields (repo, url, `up` output)."""
    repo = new_repo(tmp_path_factory.mktemp("played") / "repo", signed[0])
    kwargs = {"registry": registry_of, "scratch": image_dirs["scratch"]}
    done = gitops(repo, "up", "--env", "staging", **kwargs)
    try:
        assert done.returncode == 0, done.stderr
        yield repo, done.stdout.strip().splitlines()[-1].rsplit(" ", 1)[-1], done.stdout
    finally:
        gitops(repo, "down", "--env", "staging", **kwargs)


def container_of(repo: Path) -> str:
    return json.loads((repo / "build/up/staging/state.json").read_text())["container"]


def deployment_of(repo: Path) -> dict:
    docs = yaml.safe_load_all((repo / "build/up/staging/played.yaml").read_text())
    return next(d for d in docs if d["kind"] == "Deployment")


def exec_in(container: str, command: str) -> str:
    return run("podman", "exec", container, "sh", "-c", command).stdout


def test_up_serves_the_release_files_model_version(played):
    repo, url, _ = played
    assert url == f"http://127.0.0.1:{PORT}"
    release = (repo / OVERLAYS / "staging/release/kustomization.yaml").read_text()
    pinned = re.search(r'model-version: "(.+)"', release)[1]
    assert httpx.get(f"{url}/version", timeout=10).json()["model_version"] == pinned
    assert httpx.get(f"{url}/readyz", timeout=10).status_code == 200


def test_up_lists_every_kind_it_does_not_play(played):
    _, _, output = played
    for kind in ("ServiceAccount", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget",
                 "NetworkPolicy", "Ingress", "Job", "CronJob"):  # fmt: skip
        assert re.search(rf"^  {kind}/bikeshare", output, re.M), (kind, output)


def test_probes_are_the_manifests_and_podman_runs_them(played):
    repo, _, _ = played
    container = container_of(repo)
    check = run("podman", "inspect", "--format", "{{json .Config.Healthcheck.Test}}", container)
    probe = deployment_of(repo)["spec"]["template"]["spec"]["containers"][0]["livenessProbe"]
    assert " ".join(probe["exec"]["command"]) in " ".join(json.loads(check.stdout))
    assert run("podman", "healthcheck", "run", container, check=False).returncode == 0


def test_security_context_is_in_force_in_the_running_container(played):
    repo, _, _ = played
    container = container_of(repo)
    pod = deployment_of(repo)["spec"]["template"]["spec"]
    spec = pod["containers"][0]
    context = spec["securityContext"]
    assert exec_in(container, "id -u").strip() == str(context["runAsUser"])
    assert exec_in(container, "id -g").strip() == str(context["runAsGroup"])
    status = dict(
        line.split(":\t", 1) for line in exec_in(container, "cat /proc/1/status").splitlines()
    )
    assert context["capabilities"]["drop"] == ["ALL"]
    for field in ("CapEff", "CapPrm", "CapBnd"):
        assert int(status[field], 16) == 0, (field, status[field])
    assert status["NoNewPrivs"].strip() == ("0" if context["allowPrivilegeEscalation"] else "1")
    mounts = [line.split() for line in exec_in(container, "cat /proc/1/mountinfo").splitlines()]
    root = next(m for m in mounts if m[4] == "/")
    assert ("ro" in root[5].split(",")) is context["readOnlyRootFilesystem"] is True
    writable = exec_in(
        container, "for d in / /app /home/bentoml /tmp; do touch $d/.w 2>/dev/null && echo $d; done"
    )
    assert writable.split() == [m["mountPath"] for m in spec["volumeMounts"]] == ["/tmp"]
    limit = spec["resources"]["limits"]["memory"]
    assert limit == "1Gi"
    # Read from the container's own cgroup (v2 files, or v1 on hybrid hosts like this one).
    cgroup = "/sys/fs/cgroup"
    memory = f"cat {cgroup}/memory.max 2>/dev/null || cat {cgroup}/memory/memory.limit_in_bytes"
    assert int(exec_in(container, memory)) == 1024**3
    cpu = (
        f"cat {cgroup}/cpu.max 2>/dev/null || "
        f"echo $(cat {cgroup}/cpu/cpu.cfs_quota_us) $(cat {cgroup}/cpu/cpu.cfs_period_us)"
    )
    quota, period = exec_in(container, cpu).split()
    assert int(quota) / int(period) == float(spec["resources"]["limits"]["cpu"])


def test_the_job_pod_writes_its_evidence_with_its_own_role(
    played, registry_of, image_dirs, evidence_stack
):
    """The verification Job's pod writes its evidence to S3 (moto, IAM enforced) with the
    Job role's credentials; promote reads it with the promote role's; a pod with a role
    without the grant writes nothing."""
    repo, _, _ = played
    stack = evidence_stack
    s3 = {"EVIDENCE_STORE": f"s3://{stack.bucket}", "AWS_ENDPOINT_URL_S3": stack.moto.endpoint}
    s3["AWS_REGION"] = "us-east-1"
    kwargs = {"registry": registry_of, "scratch": image_dirs["scratch"]}
    store_args = ["--evidence-store", s3["EVIDENCE_STORE"]]
    store_args += ["--endpoint-url", s3["AWS_ENDPOINT_URL_S3"]]
    release = yaml.safe_load((repo / OVERLAYS / "staging/release/kustomization.yaml").read_text())
    digest = release["images"][0]["digest"]

    nobody = {**s3, **stack.moto.assume(stack.roles["nobody"])}
    denied = gitops(repo, "verify", "--env", "staging", *store_args, env=nobody, **kwargs)
    assert denied.returncode == 1 and "wrote no evidence" in denied.stderr, denied.stderr

    job_role = {**s3, **stack.moto.assume(stack.roles["job_staging"])}
    done = gitops(repo, "verify", "--env", "staging", *store_args, env=job_role, **kwargs)
    assert done.returncode == 0, done.stderr + done.stdout
    body = stack.moto.client("s3").get_object(
        Bucket=stack.bucket, Key=f"evidence/staging/{digest}.json"
    )["Body"]
    record = json.loads(body.read())
    assert record["passed"] is True and record["digest"] == digest
    assert [c["name"] for c in record["checks"]] == ["ready", "version", "golden", "latency"]
    assert record["environment"] == "staging" and record["latency"]["p99_ms"] > 0
    assert record["runner"].startswith("podman kube play")
    assert git(repo, "status", "--porcelain") == ""  # evidence is not a commit any more

    promoted = gitops(repo, "promote", env={**s3, **stack.moto.assume(stack.roles["promote"])})
    assert promoted.returncode == 0, promoted.stderr
    assert f"Verified-By: s3://{stack.bucket}/evidence/staging/{digest}.json" in git(
        repo, "log", "-1", "--format=%B"
    )
    git(repo, "switch", "--quiet", "main")


def test_verification_fails_on_a_prediction_that_differs(played, tmp_path):
    """bento/verify.py itself, against the played service, with one golden answer changed."""
    _, url, _ = played
    golden = json.loads((REPO / "config/golden.json").read_text())
    golden["rentals"][3] += 0.001
    tampered = tmp_path / "golden.json"
    tampered.write_text(json.dumps(golden))
    args = ["--url", url, "--golden", str(tampered), "--expected-model-version"]
    done = subprocess.run(
        [sys.executable, str(REPO / "bento/verify.py"), *args, golden["model_version"]],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    result = json.loads(done.stdout.strip().splitlines()[-1])
    failed = {c["name"]: c["detail"] for c in result["checks"] if not c["passed"]}
    assert list(failed) == ["golden"] and "1 of 8 rows differ (row 3" in failed["golden"]


def test_a_failed_verification_blocks_the_promotion(signed, registry_of, image_dirs, tmp_path):
    """The release file names a model the image does not serve: the Job fails, the failure
    is recorded, and promote refuses the digest."""
    repo = new_repo(tmp_path / "repo", signed[0], model_version="2011-12-not-this-one")
    kwargs = {"registry": registry_of, "scratch": image_dirs["scratch"], "port": OTHER_PORT}
    try:
        assert gitops(repo, "up", "--env", "staging", **kwargs).returncode == 0
        done = gitops(repo, "verify", "--env", "staging", **kwargs)
        assert done.returncode == 1
        assert "version: FAILED" in done.stderr
        # The store's local form (a directory with the same keys).
        (record_path,) = (repo.parent / "evidence/evidence/staging").glob("sha256:*.json")
        record = json.loads(record_path.read_text())
        assert record["passed"] is False
        refused = gitops(repo, "promote")
        assert refused.returncode == 1
        assert "staging's verification of sha256:" in refused.stderr and "failed" in refused.stderr
    finally:
        gitops(repo, "down", "--env", "staging", **kwargs)


def _push(image: str, registry: str, name: str, manifest_format: str = "oci") -> str:
    """Push a local image to the session's registry; its reference by digest."""
    digest_file = Path(os.environ.get("TMPDIR", "/tmp")) / f"digest-{os.getpid()}-{name}"
    destination = f"docker://{registry}/bikeshare:{name}"
    # --remove-signatures: an earlier session's pull may have left a signature on the base.
    run("podman", "push", "--quiet", "--remove-signatures", "--tls-verify=false", "--format",
        manifest_format, "--digestfile", str(digest_file), image, destination)  # fmt: skip
    return f"{registry}/bikeshare@{digest_file.read_text().strip()}"


def _release_file(repo: Path) -> Path:
    return repo / OVERLAYS / "staging/release/kustomization.yaml"


def _broken_overlay(repo, **_):
    path = repo / OVERLAYS / "staging/kustomization.yaml"
    path.write_text(path.read_text().replace("../../base", "../../no-such-base"))


def _tag_not_digest(repo, **_):
    path = _release_file(repo)
    text = re.sub(r"digest: sha256:[0-9a-f]+", "newTag: latest", path.read_text())
    path.write_text(text)


def _pin(repo: Path, ref: str) -> None:
    """Pin REF in staging's release and hydrate it, as set-image leaves a release."""
    path = _release_file(repo)
    path.write_text(
        re.sub(
            r"newName: .*\n    digest: .*\n",
            "newName: {}\n    digest: {}\n".format(*ref.split("@")),
            path.read_text(),
        )
    )
    done = gitops(repo, "hydrate")
    assert done.returncode == 0, done.stderr


def _unsigned(repo, registry, **_):
    # Docker v2 manifest: another digest than the OCI one _never_ready signs.
    _pin(repo, _push("localhost/bikeshare-base:bookworm", registry, "unsigned", "v2s2"))


def _never_ready(repo, registry, scratch, out, **_):
    """Signed, but an image that does not serve (the bare base: its shell exits at once)."""
    ref = _push("localhost/bikeshare-base:bookworm", registry, "never-ready")
    run(sys.executable, "-m", "scripts.sign", "gpg", ref, str(scratch), str(out))
    _pin(repo, ref)


BAD = {
    "an overlay that does not render": (_broken_overlay, "kustomize failed"),
    "an image not pinned by digest": (_tag_not_digest, "pins no image by digest"),
    "an unsigned image": (_unsigned, "refused"),
    "a pod that never gets ready": (_never_ready, "previous release runs again"),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_input_one_sentence_and_what_ran_keeps_running(case, played, registry_of, image_dirs):
    repo, url, _ = played
    container = container_of(repo)
    version = httpx.get(f"{url}/version", timeout=10).json()
    prepare, words = BAD[case]
    prepare(repo, registry=registry_of, scratch=image_dirs["scratch"], out=image_dirs["out"])
    try:
        done = gitops(
            repo, "up", "--env", "staging", registry=registry_of, scratch=image_dirs["scratch"]
        )
    finally:
        git(repo, "checkout", "--", "argocd")
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].endswith("."), done.stderr
    assert words in lines[0] and "Traceback" not in done.stderr
    assert httpx.get(f"{url}/version", timeout=10).json() == version
    if case != "a pod that never gets ready":  # that one was replaced, then played again
        assert (
            run("podman", "inspect", "--format", "{{.State.Running}}", container).stdout.strip()
            == "true"
        )


def test_newman_passes_every_kept_request_against_the_played_staging_pod(
    played, postman_tools, tmp_path
):
    """The kept Postman collection against the pod played from staging's overlay, as CI runs
    it against the served service: every request 2xx, its header and schema tests pass."""
    _, url, _ = played
    done, report = run_newman(url, tmp_path)
    stats = report["run"]["stats"]
    assert done.returncode == 0, done.stdout[-3000:]
    assert stats["requests"]["total"] >= 10 and stats["requests"]["failed"] == 0
    assert stats["assertions"]["failed"] == 0


def test_down_removes_the_pod(played, registry_of, image_dirs):
    repo, url, _ = played
    container = container_of(repo)
    done = gitops(
        repo, "down", "--env", "staging", registry=registry_of, scratch=image_dirs["scratch"]
    )
    assert done.returncode == 0, done.stderr
    assert run("podman", "container", "exists", container, check=False).returncode == 1
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{url}/version", timeout=5)


def test_the_scoring_cronjob_pod_scores_a_month_on_the_local_stack(
    signed, image_dirs, registry_of, tf_local_stack, moto_ca_bundle, tmp_path
):
    """The CronJob's pod template, played once against the local stack
    (terraform/envs/local applied on moto); its output checked in the bucket."""
    import io

    import boto3
    import numpy as np
    import pandas as pd

    from scoring.store import input_key

    bucket = tf_local_stack.outputs["artifacts_bucket_name"]
    s3 = boto3.client("s3", endpoint_url=tf_local_stack.endpoint)
    month = REPO / "data/2011-12.csv"
    s3.put_object(Bucket=bucket, Key=input_key("2011-12"), Body=month.read_bytes())
    repo = new_repo(tmp_path / "repo", signed[0])
    scratch = image_dirs["scratch"]
    done = gitops(
        repo, "score-pod", "--env", "staging", "--registry", registry_of,
        "--policy", str(scratch / "policy.json"), "--registries-d", str(scratch / "registries.d"),
        "--period", "2011-12", "--bucket", bucket, "--endpoint-url", tf_local_stack.endpoint,
        "--ca-bundle", str(moto_ca_bundle),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr + done.stdout
    rows = len(pd.read_csv(month))
    assert f"{rows} rows in, {rows} scored, 0 rejected" in done.stdout

    # The pod ran the rendered template: same security context, resources, env (the bucket
    # and the emulator's stand-ins excepted) and volumes.
    docs = yaml.safe_load_all(run("kubectl", "kustomize", str(repo / OVERLAYS / "staging")).stdout)
    cronjob = next(d for d in docs if d["kind"] == "CronJob")
    template = cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    played = yaml.safe_load((repo / "build/up/staging/score-pod.yaml").read_text())["spec"]
    want, got = template["containers"][0], played["containers"][0]
    assert played["securityContext"] == template["securityContext"]
    assert got["securityContext"] == want["securityContext"]
    assert got["resources"] == want["resources"]
    # Stood in for here: the bucket, and what reaches the cluster's Pushgateway and GitHub.
    from kubeplay.score_pod import CLUSTER_ONLY_ENV

    kept = [e for e in want["env"] if e["name"] not in CLUSTER_ONLY_ENV]
    assert [e for e in kept if e["name"] != "BIKESHARE_ARTIFACTS_BUCKET"] == [
        e for e in got["env"] if e["name"] in {w["name"] for w in want["env"]}
        and e["name"] != "BIKESHARE_ARTIFACTS_BUCKET"
    ]  # fmt: skip
    assert {"name": "BIKESHARE_ARTIFACTS_BUCKET", "value": bucket} in got["env"]
    assert template["volumes"][0] in played["volumes"]

    # Its output: one prediction per row; the golden rows (same month) as the champion says.
    golden = json.loads((REPO / "config/golden.json").read_text())
    key = f"scores/2011-12/{golden['model_version']}/predictions.parquet"
    body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    predictions = pd.read_parquet(io.BytesIO(body))
    assert len(predictions) == rows
    picked = np.linspace(0, rows - 1, len(golden["rentals"])).round().astype(int)
    got = predictions["predicted_bikers"].to_numpy()[picked]
    np.testing.assert_allclose(np.clip(got, 0, None), golden["rentals"], atol=5e-4)
