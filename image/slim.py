"""Slim the service image's virtualenv: drop what the image never runs, then prove the rest runs.

Runs inside the image build (bento/image.py's `.run` step) with the image's own Python, right
after the pinned packages are installed and before the layers are squashed, so every byte
removed here leaves the image. Each step removes only what nothing in the image executes:

1. the packages' own test suites;
2. C, C++ and Cython sources and headers (needed to build extensions, not to run them);
3. pyarrow's components the image does not use (Flight RPC, cloud file systems for S3, GCS,
   Azure and HDFS, ORC, CUDA): the scoring job reads and writes S3 with boto3 and Parquet
   and CSV with pyarrow's core; `pyarrow.lib` does not link any of them;
4. debug symbols of the packages' shared libraries (`strip --strip-unneeded`, when the build
   has binutils), except auditwheel's vendored libraries under `*.libs/`, which strip breaks
   ("ELF load command address/offset not page-aligned" on OpenBLAS);
5. botocore's API models of AWS services the image never calls (it calls S3 and STS);
6. the compiled bytecode of modules the image's entry points never import (Python compiles
   such a module in memory if it is ever imported: slower once, never wrong).

Then it imports and exercises what the image runs (Parquet and CSV round trips, the model's
estimator family, TreeSHAP, numba, an S3 client) and fails the build if anything broke.
Measured on the image of 2026-12-07: 867 MB before; the figures per step print at build time.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

SOURCE_SUFFIXES = {".pyx", ".pxd", ".pxi", ".h", ".hpp", ".c", ".cc", ".cpp"}
# pyarrow files the image never loads (module and library name prefixes).
PYARROW_UNUSED = (
    "_flight", "flight.py", "libarrow_flight", "libarrow_python_flight",
    "_s3fs", "libarrow_s3", "_gcsfs", "_azurefs", "_hdfs",
    "_orc", "_dataset_orc", "orc.py", "_cuda", "cuda.py", "gandiva",
)  # fmt: skip
# Services whose API models stay: what the image calls, and what credentials resolution uses.
BOTOCORE_KEEP = {"s3", "sts", "sso", "sso-oidc"}
# What the image's entry points import before serving or scoring (bentoml serve and its
# workers, the scoring job, /explain); their bytecode stays compiled.
ENTRY_IMPORTS = (
    "bentoml", "bentoml_cli.cli", "bentoml._internal.server.http_app", "uvicorn",
    "starlette.applications", "prometheus_client", "pydantic", "sklearn.ensemble",
    "sklearn.pipeline", "sklearn.compose", "sklearn.preprocessing", "pandas",
    "pyarrow.parquet", "pyarrow.csv", "scipy.stats", "shap", "numba", "boto3", "yaml",
)  # fmt: skip
# Entry points of other ways to start the image, when their package is installed.
OPTIONAL_ENTRY_IMPORTS = ("awslambdaric", "mangum")


def _size(paths: Iterable[Path]) -> int:
    return sum(p.stat().st_size for p in paths if p.is_file() and not p.is_symlink())


def _remove(paths: list[Path]) -> int:
    freed = 0
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            freed += _size(path.rglob("*"))
            shutil.rmtree(path)
        elif path.exists():
            freed += path.stat().st_size
            path.unlink()
    return freed


def test_suites(site: Path) -> list[Path]:
    return [p for p in site.rglob("tests") if p.is_dir() and not p.is_symlink()]


def sources(site: Path) -> list[Path]:
    found = [p for p in site.rglob("*") if p.suffix in SOURCE_SUFFIXES and p.is_file()]
    return found + [p for p in (site / "pyarrow").glob("include") if p.is_dir()]


def pyarrow_unused(site: Path) -> list[Path]:
    pyarrow = site / "pyarrow"
    unused = [p for p in pyarrow.glob("*") if p.name.startswith(PYARROW_UNUSED)]
    # The wheel carries libarrow_python three times (no symlinks in wheels); it links .so.<N>.
    copies = [p for p in pyarrow.glob("libarrow_python.so*") if p.name.count(".") != 2]
    return unused + copies


def botocore_unused(site: Path) -> list[Path]:
    data = site / "botocore" / "data"
    return [p for p in data.iterdir() if p.is_dir() and p.name not in BOTOCORE_KEEP]


def strip_libraries(site: Path) -> int:
    """Debug symbols out of the packages' own libraries; returns bytes freed (0 without strip)."""
    tool = shutil.which("strip")
    if tool is None:
        print("slim: no `strip` in the build (binutils): debug symbols kept", file=sys.stderr)
        return 0
    libraries = [
        p
        for p in site.rglob("*.so*")
        if p.is_file() and not any(part.endswith(".libs") for part in p.parts)
    ]
    before = _size(libraries)
    for start in range(0, len(libraries), 200):
        chunk = [str(p) for p in libraries[start : start + 200]]
        subprocess.run([tool, "--strip-unneeded", *chunk], check=True)
    return before - _size(libraries)


def imported_sources(names: Iterable[str]) -> set[Path]:
    """Source files of every module the entry imports load (in this process)."""
    import importlib
    import importlib.util

    for name in names:
        importlib.import_module(name)
    for name in OPTIONAL_ENTRY_IMPORTS:
        if importlib.util.find_spec(name) is not None:
            importlib.import_module(name)
    return {
        Path(module.__file__).resolve()
        for module in list(sys.modules.values())
        if getattr(module, "__file__", None)
    }


def unimported_bytecode(site: Path, imported: set[Path]) -> list[Path]:
    unused = []
    for pyc in site.rglob("__pycache__/*.pyc"):
        source = pyc.parent.parent / (pyc.name.split(".", 1)[0] + ".py")
        if source.resolve() not in imported:
            unused.append(pyc)
    return unused


def verify() -> None:
    """Exercise what the image runs; any exception fails the build."""
    import io

    import boto3
    import numpy as np
    import pyarrow
    import pyarrow.csv
    import pyarrow.parquet as pq
    import scipy.stats
    import shap
    from numba import njit
    from sklearn.ensemble import HistGradientBoostingRegressor

    buffer = io.BytesIO()
    pq.write_table(pyarrow.table({"a": [1, 2, 3]}), buffer)
    assert pq.read_table(io.BytesIO(buffer.getvalue())).num_rows == 3
    assert pyarrow.csv.read_csv(io.BytesIO(b"a,b\n1,2\n")).num_rows == 1
    rows = np.random.default_rng(0).random((200, 3))
    model = HistGradientBoostingRegressor(loss="poisson", max_iter=5).fit(rows, rows[:, 0] * 9)
    assert shap.TreeExplainer(model).shap_values(rows[:4]).shape == (4, 3)
    assert njit(lambda x: x + 1)(1) == 2
    assert scipy.stats.ks_2samp(rows[:, 0], rows[:, 1]).pvalue >= 0
    boto3.client("s3", region_name="us-east-1")


def site_packages(venv: Path) -> Path:
    found = sorted(venv.glob("lib/python3*/site-packages"))
    if not found:
        raise SystemExit(f"slim: {venv} has no lib/python3*/site-packages.")
    return found[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("venv", type=Path, help="the image's virtualenv, e.g. /app/.venv")
    parser.add_argument("--no-verify", action="store_true", help="skip the import checks")
    args = parser.parse_args(argv)
    sys.dont_write_bytecode = True  # the checks below must not put bytecode back
    site = site_packages(args.venv)
    total = _size(site.rglob("*"))
    steps = [
        ("test suites", lambda: _remove(test_suites(site))),
        ("C/Cython sources and headers", lambda: _remove(sources(site))),
        ("pyarrow components not used", lambda: _remove(pyarrow_unused(site))),
        ("debug symbols", lambda: strip_libraries(site)),
        ("botocore models of other services", lambda: _remove(botocore_unused(site))),
    ]
    if not args.no_verify:
        steps.append(
            (
                "bytecode of modules never imported",
                lambda: _remove(unimported_bytecode(site, imported_sources(ENTRY_IMPORTS))),
            )
        )
    for label, step in steps:
        print(f"slim: {label}: -{step() / 1e6:.1f} MB", flush=True)
    left = _size(site.rglob("*"))
    print(f"slim: site-packages {total / 1e6:.0f} MB -> {left / 1e6:.0f} MB", flush=True)
    if not args.no_verify:
        verify()
        print("slim: verified (Parquet, CSV, estimator, TreeSHAP, numba, S3 client)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
