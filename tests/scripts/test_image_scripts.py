"""scripts/base_image.py and scripts/image_build.py without a build: the Debian mirror is the
machine's own, the cache key follows the recipe, a bento on another base is refused in one
sentence, the build-only tools trust the host's CA bundle. (The builds themselves run in
tests/image, once per test run.)"""

import subprocess
import sys

from scripts import base_image, image_build

REPO = image_build.REPO


def test_the_mirror_is_the_one_apt_uses(tmp_path, monkeypatch):
    monkeypatch.delenv("DEBIAN_MIRROR", raising=False)
    sources = tmp_path / "sources.list.d"
    sources.mkdir()
    (sources / "a.list").write_text("# nothing here\n")
    (sources / "b.list").write_text("deb http://mirror.example.invalid/debian bookworm main\n")
    assert (
        base_image.debian_mirror([tmp_path / "none", sources])
        == "http://mirror.example.invalid/debian"
    )
    (sources / "b.list").unlink()
    assert base_image.debian_mirror([sources]) == base_image.DEFAULT_MIRROR
    monkeypatch.setenv("DEBIAN_MIRROR", "http://chosen.invalid/debian")
    assert base_image.debian_mirror([sources]) == "http://chosen.invalid/debian"


def test_the_cache_key_follows_the_suite():
    assert base_image.cache_key("bookworm") == base_image.cache_key("bookworm")
    assert base_image.cache_key("bookworm") != base_image.cache_key("trixie")


def test_records_round_trip(tmp_path):
    record = tmp_path / "deep" / "base-image.env"
    base_image.write_record(record, {"BASE_IMAGE_ID": "abc", "PYTHON_VERSION": "3.11.2"})
    assert record.read_text() == "BASE_IMAGE_ID=abc\nPYTHON_VERSION=3.11.2\n"
    assert base_image.read_record(record) == {"BASE_IMAGE_ID": "abc", "PYTHON_VERSION": "3.11.2"}


def test_a_cache_of_another_recipe_is_not_used(tmp_path):
    (tmp_path / "base-image.key").write_text("0000000000000000\n")
    base_image.write_record(tmp_path / "base-image.env", {"BASE_IMAGE_ID": "abc"})
    assert not base_image.cached("localhost/x:y", tmp_path, tmp_path / "out.env")
    assert not (tmp_path / "out.env").exists()


def test_a_bento_on_another_base_is_refused_in_one_sentence(tmp_path):
    bento = tmp_path / "bento"
    (bento / "env" / "docker").mkdir(parents=True)
    (bento / "env" / "docker" / "Dockerfile").write_text(
        "FROM python:3.11-slim as base-container\n"
    )
    fake = tmp_path / "bentoml"
    fake.write_text(f"#!/bin/sh\necho {bento}\n")
    fake.chmod(0o755)
    try:
        image_build.check_dockerfile(str(fake), "bikeshare:v1", "localhost/bikeshare-base:bookworm")
    except image_build.Refusal as refusal:
        assert str(refusal).startswith(
            "Bento bikeshare:v1 is not built on localhost/bikeshare-base"
        )
    else:
        raise AssertionError("a bento on another base was accepted")
    (bento / "env" / "docker" / "Dockerfile").write_text(
        "FROM localhost/bikeshare-base:bookworm AS b\n"
    )
    image_build.check_dockerfile(str(fake), "bikeshare:v1", "localhost/bikeshare-base:bookworm")


def test_build_tools_wrap_uv_with_the_host_bundle(tmp_path, monkeypatch):
    bundle = tmp_path / "bundle.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n")
    monkeypatch.setenv("PIP_CERT", str(bundle))
    uv = tmp_path / "uv-real"
    uv.write_text('#!/bin/sh\necho uv "$@"\n')
    uv.chmod(0o755)
    tools = image_build.build_tools(tmp_path / "tools", uv)
    assert (tools / "uv-cache").is_dir() and (
        tools / "ca-certificates.crt"
    ).read_text() == bundle.read_text()
    wrapper = (tools / "uv").read_text()
    assert "SSL_CERT_FILE=/usr/local/bin/ca-certificates.crt" in wrapper
    assert "UV_CACHE_DIR=/usr/local/bin/uv-cache" in wrapper
    # Built again (a second build, another checkout): same files, no leftovers.
    image_build.build_tools(tools, uv)
    assert sorted(p.name for p in tools.iterdir()) == [
        "ca-certificates.crt",
        "slim.py",
        "uv",
        "uv-cache",
        "uv.bin",
    ]


def test_usage():
    for module in ("scripts.base_image", "scripts.image_build"):
        done = subprocess.run(
            [sys.executable, "-m", module], capture_output=True, text=True, cwd=REPO
        )
        assert done.returncode == 2 and done.stderr.startswith("Usage:")
