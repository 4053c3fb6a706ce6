"""image/slim.py on a small virtualenv of its own: it removes exactly what the image never runs
and keeps what it does (the built image itself is checked by test_image_build.py)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from tests.image.conftest import REPO

spec = importlib.util.spec_from_file_location("slim", REPO / "image" / "slim.py")
slim = importlib.util.module_from_spec(spec)
spec.loader.exec_module(slim)


def _venv(root: Path) -> Path:
    site = root / "lib" / "python3.11" / "site-packages"
    files = {
        "numpy/core/tests/test_a.py": "x",
        "numpy/core/multiarray.py": "x",
        "numpy/core/include/numpy/ndarray.h": "x",
        "pandas/_libs/lib.pyx": "x",
        "pandas/_libs/lib.so": "x",
        "pyarrow/_flight.cpython-311-x86_64-linux-gnu.so": "x",
        "pyarrow/libarrow_flight.so.2600": "x",
        "pyarrow/_s3fs.cpython-311-x86_64-linux-gnu.so": "x",
        "pyarrow/libarrow_s3.so.2600": "x",
        "pyarrow/libarrow_substrait.so.2600": "x",
        "pyarrow/_parquet.cpython-311-x86_64-linux-gnu.so": "x",
        "pyarrow/libarrow_python.so": "x",
        "pyarrow/libarrow_python.so.2600": "x",
        "pyarrow/libarrow_python.so.2600.1.0": "x",
        "pyarrow/include/arrow/api.h": "x",
        "botocore/data/s3/2006-03-01/service-2.json.gz": "x",
        "botocore/data/sts/2011-06-15/service-2.json.gz": "x",
        "botocore/data/ec2/2016-11-15/service-2.json.gz": "x",
        "botocore/data/endpoints.json": "x",
    }
    for name, text in files.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(text)
    return site


def test_slim_removes_what_the_image_never_runs_and_keeps_the_rest(tmp_path, monkeypatch):
    site = _venv(tmp_path)
    monkeypatch.setattr(slim, "strip_libraries", lambda site: 0)  # no ELF files here
    assert slim.main([str(tmp_path), "--no-verify"]) == 0
    left = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    assert left == {
        "numpy/core/multiarray.py",
        "pandas/_libs/lib.so",
        "pyarrow/libarrow_substrait.so.2600",  # pyarrow.lib links it
        "pyarrow/_parquet.cpython-311-x86_64-linux-gnu.so",
        "pyarrow/libarrow_python.so.2600",  # the name the extensions link
        "botocore/data/s3/2006-03-01/service-2.json.gz",
        "botocore/data/sts/2011-06-15/service-2.json.gz",
        "botocore/data/endpoints.json",
    }


def test_bytecode_of_imported_modules_stays(tmp_path):
    site = tmp_path / "site"
    for name in ("used", "unused"):
        (site / "pkg" / "__pycache__").mkdir(parents=True, exist_ok=True)
        (site / "pkg" / f"{name}.py").write_text("")
        (site / "pkg" / "__pycache__" / f"{name}.cpython-311.pyc").write_bytes(b"")
    gone = slim.unimported_bytecode(site, {(site / "pkg" / "used.py").resolve()})
    assert [p.name for p in gone] == ["unused.cpython-311.pyc"]


def test_the_entry_imports_see_this_process():
    imported = slim.imported_sources(["json"])
    assert Path(sys.modules["json"].__file__).resolve() in imported
