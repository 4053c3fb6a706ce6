#!/usr/bin/env bash
# CycloneDX SBOM of the image's Python environment, made inside the image.
# Usage: sbom.sh IMAGE OUT_FILE TOOL_DIR
# cyclonedx-bom (PyPI, pinned in image/sbom-tool-requirements.txt) is installed into TOOL_DIR
# on the host and bind-mounted read-only; it runs on the image's own python3 and inspects
# /app/.venv. It is put on sys.path by the launcher only, never via PYTHONPATH, which the
# inspected interpreter would inherit (the tool's own packages would leak into the SBOM).
set -euo pipefail

image=$1 out=$2 tool=$3
here=$(cd "$(dirname "$0")" && pwd)
python=${PYTHON:-python3}
mkdir -p "$(dirname "$out")" "$tool"
tool=$(cd "$tool" && pwd)
stamp=$(sha256sum "$here/sbom-tool-requirements.txt" | cut -c1-16)
if [ "$(cat "$tool/.stamp" 2>/dev/null)" != "$stamp" ]; then
  rm -rf "$tool" && mkdir -p "$tool"
  "$python" -m pip install --quiet --no-deps --target "$tool" -r "$here/sbom-tool-requirements.txt"
  echo "$stamp" >"$tool/.stamp"
fi

launcher='import runpy, sys
sys.path.insert(0, "/sbom-tool")
sys.argv = ["cyclonedx-py", "environment", "--output-format", "JSON", "--spec-version", "1.6",
            "--mc-type", "application", "/app/.venv/bin/python"]
runpy.run_module("cyclonedx_py", run_name="__main__")'
podman run --rm --network none --read-only --user 1034:1034 --cap-drop=all \
  --volume "$tool:/sbom-tool:ro" --entrypoint /usr/bin/python3 "$image" -c "$launcher" >"$out"
# Say which image this describes.
id=$(podman image inspect --format '{{.Id}}' "$image")
python3 - "$out" "$id" <<'EOF'
import json, sys
path, image_id = sys.argv[1:]
bom = json.load(open(path))
props = bom["metadata"].setdefault("properties", [])
props.append({"name": "bikeshare:image.id", "value": f"sha256:{image_id}"})
json.dump(bom, open(path, "w"), indent=2)
print(f"SBOM {path}: CycloneDX {bom['specVersion']}, {len(bom['components'])} components")
EOF
