"""Build the bento once per content: `python -m bento.build` prints its tag.

The version is a hash of what goes into the bento (service code, model code, champion record,
lock), so building the same content again reuses the bento instead of minting a new one, and
`make image` can skip a rebuild of the same bento. Either way, the model file inside the bento
must hash to the sha256 the champion record pins, or the build is refused.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import bentoml
import yaml
from bentoml.exceptions import NotFound

from model import artifact, paths, registry
from model import record as records

BENTOFILE = Path("bento/bentofile.yaml")


def content_version(root: Path = Path()) -> str:
    spec = yaml.safe_load((root / BENTOFILE).read_text())
    files = sorted({p for pattern in spec["include"] for p in root.glob(pattern)} | {BENTOFILE})
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path).encode() + b"\0" + (root / path).read_bytes())
    return digest.hexdigest()[:16]


def build(root: Path = Path()) -> str:
    tag = f"{yaml.safe_load((root / BENTOFILE).read_text())['name']}:{content_version(root)}"
    try:
        bento = bentoml.get(tag)
    except NotFound:
        bento = bentoml.bentos.build_bentofile(
            str(root / BENTOFILE), build_ctx=str(root), version=tag.split(":")[1]
        )
    check_model(bento, records.load(root / paths.CHAMPION_IN_REPO))
    return str(bento.tag)


def check_model(bento, record: dict | None) -> Path:
    """The bento ships the reviewed bytes. A bento in the store names its models by tag, and
    `bentoml containerize`/`export` copy them from the model store: the bento must name the
    record's tag, and that file (or the bento's own copy, once exported) must hash to the
    record's sha256."""
    if record is None:
        raise artifact.ArtifactError(f"no champion record at {paths.CHAMPION_IN_REPO}.")
    tag = record["bento_model_tag"]
    named = sorted(str(m.tag) for m in bento.info.all_models)
    if named != [tag]:
        raise artifact.ArtifactError(f"bento {bento.tag} ships {named}, not the champion {tag}.")
    name, version = tag.split(":")
    own_copy = Path(bento.path_of(f"models/{name}/{version}/{registry.MODEL_FILE}"))
    if own_copy.exists():
        artifact.check_file(own_copy, record)
        return own_copy
    return registry.check_stored(record)


if __name__ == "__main__":
    try:
        print(build())
    except artifact.ArtifactError as err:
        print(f"error: bento refused: {err}", file=sys.stderr)
        sys.exit(2)
