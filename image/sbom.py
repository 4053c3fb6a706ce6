"""Finish the image SBOM: syft's Debian and Python packages + the model and its training data.

Usage: python -m image.sbom SYFT_BOM OUT --image-id ID --model-dir DIR
syft (scripts/sbom_scan.py) lists what is installed in the image; this adds what syft cannot see:
the champion model as a CycloneDX machine-learning component with its model card (metrics on
the holdout, per slice, the data fingerprint) and the training data as a data component. The
model card is read from the champion record (model.record), checked against the model the image
really ships (DIR: the bento's models/ folder inside the mounted image), and the result is
validated against the CycloneDX 1.6 schema before it is written.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from model import record

# Where the champion record is read from: the one place to re-point when it moves.
CHAMPION = record.CHAMPION_PATH
MODEL_REF = "model:bikeshare"
DATA_REF = "data:bikeshare-training"
METRICS = {"rmse": "RMSE", "mae": "MAE", "r2": "R2"}


def model_components(champion: dict[str, Any]) -> list[dict[str, Any]]:
    version = champion["version"]
    data = champion["data"]
    trained = champion["trained_on"]
    estimator = champion["params"]["estimator"]
    holdout = trained["holdout"]
    metrics = [
        {"type": name, "value": str(champion["metrics"]["overall"][key]), "slice": holdout}
        for key, name in METRICS.items()
    ]
    metrics += [
        {"type": "RMSE", "value": str(values["rmse"]), "slice": f"{holdout}, {slice_name}"}
        for slice_name, values in sorted(champion["metrics"]["slices"].items())
    ]
    model = {
        "type": "machine-learning-model",
        "bom-ref": MODEL_REF,
        "name": "bikeshare",
        "version": version,
        "description": "Hourly bike rentals in Washington D.C.: gradient boosting, Poisson loss.",
        "properties": [
            {"name": "bikeshare:bento.model.tag", "value": champion["bento_model_tag"]},
            {"name": "bikeshare:code.commit", "value": champion["code_commit"]},
            {"name": "bikeshare:code.sha256", "value": champion["code_sha256"]},
            *[
                {"name": f"bikeshare:library.{name}", "value": v}
                for name, v in sorted(champion["libraries"].items())
            ],
        ],
        "modelCard": {
            "modelParameters": {
                "approach": {"type": "supervised"},
                "task": "regression",
                "architectureFamily": "gradient boosting",
                "modelArchitecture": "scikit-learn HistGradientBoostingRegressor "
                + ", ".join(f"{k}={v}" for k, v in sorted(estimator.items())),
                "datasets": [{"ref": DATA_REF}],
                "inputs": [{"format": "JSON records with the columns of model/schema.py"}],
                "outputs": [{"format": "predicted rentals per hour (number)"}],
            },
            "quantitativeAnalysis": {"performanceMetrics": metrics},
        },
    }
    periods = trained["periods"]
    dataset = {
        "type": "data",
        "bom-ref": DATA_REF,
        "name": "bikeshare-training-data",
        "version": data["fingerprint"][:16],
        "hashes": [{"alg": "SHA-256", "content": data["fingerprint"]}],
        "description": "Training periods "
        f"{periods[0]} … {periods[-1]}, holdout {holdout}; the hash is the record's data "
        "fingerprint (SHA-256 over the per-file SHA-256 in the properties).",
        "licenses": [{"license": {"id": "CC-BY-4.0"}}],
        "data": [
            {
                "type": "dataset",
                "name": "UCI Bike Sharing Dataset (via ISLP), one CSV per month",
                "description": "See data/DATASHEET.md: source, licences, schema.",
            }
        ],
        "properties": [
            {"name": f"bikeshare:data.file.{name}", "value": digest}
            for name, digest in sorted(data["files"].items())
        ],
    }
    return [model, dataset]


def shipped_model_versions(models_dir: Path) -> set[str]:
    """Versions of the bikeshare model in the bento's models/ folder (BentoML's store layout)."""
    folder = models_dir / "bikeshare"
    return {p.name for p in folder.iterdir() if p.is_dir()} if folder.is_dir() else set()


def finish(bom: dict[str, Any], image_id: str, champion: dict[str, Any]) -> dict[str, Any]:
    bom["components"] = bom.get("components", []) + model_components(champion)
    props = bom["metadata"].setdefault("properties", [])
    props.append({"name": "bikeshare:image.id", "value": f"sha256:{image_id}"})
    subject = bom["metadata"].setdefault("component", {"name": "bikeshare"})
    subject["type"] = "container"  # syft saw a mounted directory; it is this image
    root = subject.get("bom-ref")
    if root:  # the image depends on the model, the model on its data
        bom.setdefault("dependencies", []).extend(
            [{"ref": MODEL_REF, "dependsOn": [DATA_REF]}, {"ref": DATA_REF, "dependsOn": []}]
        )
        for dep in bom["dependencies"]:
            if dep["ref"] == root:
                dep.setdefault("dependsOn", []).append(MODEL_REF)
    return bom


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("syft_bom", type=Path, help="CycloneDX JSON written by syft")
    parser.add_argument("out", type=Path, help="where the finished SBOM goes")
    parser.add_argument("--image-id", required=True, help="the image ID (hex, without sha256:)")
    parser.add_argument("--model-dir", type=Path, required=True, help="the bento's models/")
    args = parser.parse_args(argv)

    champion = record.load(CHAMPION)
    if champion is None:
        print(f"No champion record at {CHAMPION}: nothing to describe.", file=sys.stderr)
        return 1
    shipped = shipped_model_versions(args.model_dir)
    if champion["version"] not in shipped:
        print(
            f"The image ships model version(s) {sorted(shipped) or 'none'} but {CHAMPION} says "
            f"{champion['version']}: rebuild the image (make bento image) from this champion.",
            file=sys.stderr,
        )
        return 1
    bom = finish(json.loads(args.syft_bom.read_text()), args.image_id, champion)
    text = json.dumps(bom, indent=2)
    error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    if error is not None:
        print(f"The SBOM is not valid CycloneDX 1.6: {error}", file=sys.stderr)
        return 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text + "\n")
    kinds: dict[str, int] = {}
    for component in bom["components"]:
        purl = component.get("purl", "")
        kind = purl.split("/")[0].removeprefix("pkg:") if purl else component["type"]
        kinds[kind] = kinds.get(kind, 0) + 1
    summary = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
    print(f"SBOM {args.out}: CycloneDX {bom['specVersion']}, {len(bom['components'])} components")
    print(f"  {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
