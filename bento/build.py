"""Build the bento once per content: `python -m bento.build` prints its tag.

The version is a hash of what goes into the bento (service code, model code, champion record,
lock), so building the same content again reuses the bento instead of minting a new one, and
`make image` can skip a rebuild of the same bento.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import bentoml
import yaml
from bentoml.exceptions import NotFound

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
        return str(bentoml.get(tag).tag)
    except NotFound:
        pass
    bento = bentoml.bentos.build_bentofile(
        str(root / BENTOFILE), build_ctx=str(root), version=tag.split(":")[1]
    )
    return str(bento.tag)


if __name__ == "__main__":
    print(build())
