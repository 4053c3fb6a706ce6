"""The first registration on a new account's MLflow server (`make mlflow-register-first`).

A new server has no versions; the champion record in git pins `models:/bikeshare/1` and a
sha256. The model is rebuilt from git (the committed data and parameters: training is
deterministic here), its bytes are checked against the record's sha256 BEFORE anything is
registered, and only then does it become version 1, tagged with that sha256. The release
then fetches exactly that artifact from the server. Run again, it says so and does nothing;
a server whose versions are not this champion is refused, not overwritten.
"""

from __future__ import annotations

from pathlib import Path

from model import artifact, paths, tracking
from model import record as records


class FirstRegistrationError(RuntimeError):
    pass


def _existing_versions(client, name: str) -> list:
    from mlflow.exceptions import MlflowException

    try:
        return list(client.search_model_versions(f"name='{name}'"))
    except MlflowException as err:
        raise FirstRegistrationError(
            f"the MLflow server at {tracking.tracking_uri()} did not answer ({err.error_code}); "
            "check MLFLOW_TRACKING_URI and the credentials (make doctor)."
        ) from err


def register_first(champion: Path = paths.CHAMPION, data: Path = paths.DATA) -> str:
    """Version 1 of the champion in the server at MLFLOW_TRACKING_URI; a one-line summary."""
    record = records.load(champion)
    if record is None:
        raise FirstRegistrationError(f"no champion record at {champion}: nothing to register.")
    block = record["artifact"]
    if int(block["version"]) != 1:
        raise FirstRegistrationError(
            f"the champion record pins {block['uri']}, but a new server's first version is 1: "
            "register on the server that record came from, or re-record the champion."
        )
    client = tracking._client()
    versions = _existing_versions(client, block["name"])
    if versions:
        first = next((v for v in versions if str(v.version) == "1"), None)
        if len(versions) == 1 and first is not None and first.tags.get("sha256") == block["sha256"]:
            return f"{block['uri']} is already the champion (sha256 {block['sha256'][:12]}…)."
        raise FirstRegistrationError(
            f"{block['name']} already has {len(versions)} version(s) at {tracking.tracking_uri()} "
            "that are not this champion: the first registration is for a new server only."
        )
    model = _rebuild(record, data)
    digest = artifact.sha256(artifact.dumps(model))
    if digest != block["sha256"]:
        raise FirstRegistrationError(
            f"the model rebuilt from git has sha256 {digest[:12]}…, the champion record pins "
            f"{block['sha256'][:12]}…: check out the commit that recorded it (code_commit)."
        )
    with tracking.run(record["version"]) as run:
        run.log_candidate(record, None)
        registered = run.register(model, record)
    if registered["version"] != 1 or registered["sha256"] != block["sha256"]:
        raise FirstRegistrationError(
            f"the server registered {registered['uri']} (sha256 {registered['sha256'][:12]}…), "
            f"not {block['uri']}: see the server's registry before releasing."
        )
    return f"{registered['uri']} registered (sha256 {digest[:12]}…), run {registered['run_id']}."


def _rebuild(record: dict, data: Path):
    from threadpoolctl import threadpool_limits

    from model.pipeline import train_candidate

    # One OpenMP thread: the bytes must not depend on the machine's cores.
    with threadpool_limits(limits=1, user_api="openmp"):
        model, candidate, _ = train_candidate(data, record["params"])
    if candidate["version"] != record["version"]:
        raise FirstRegistrationError(
            f"git's data make model {candidate['version']}, the champion is {record['version']}: "
            "check out the commit that recorded the champion."
        )
    return model
