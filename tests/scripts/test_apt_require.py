"""scripts/apt_require.py: installed packages are left alone, a non-root user gets the command
to run, and a held apt lock is waited for instead of failing at once. The lock holder is a
stand-in apt-get on PATH (holding the machine's real lock would stall other jobs)."""

import os
import subprocess

import pytest

from scripts import apt_require


def test_installed_packages_are_not_missing():
    assert apt_require.missing(["dpkg", "no-such-package-bikeshare"]) == [
        "no-such-package-bikeshare"
    ]
    assert apt_require.install(["dpkg"]) == 0


def test_without_root_it_names_the_command(monkeypatch, capsys):
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    assert apt_require.install(["no-such-package-bikeshare"]) == 1
    assert capsys.readouterr().err.strip() == (
        "Missing Debian packages: no-such-package-bikeshare; "
        "run: sudo apt-get install no-such-package-bikeshare"
    )


@pytest.fixture
def locked_apt(tmp_path, monkeypatch):
    """An apt-get whose first `update` finds the lock held, as when another job installs."""
    calls = tmp_path / "calls"
    fake = tmp_path / "apt-get"
    fake.write_text(
        "#!/bin/sh\n"
        f'echo "$*" >> {calls}\n'
        f'if [ "$(grep -c update {calls})" = 1 ]; then\n'
        '  echo "E: Could not get lock /var/lib/apt/lists/lock. It is held by process 1" >&2\n'
        "  exit 100\nfi\n"
    )
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")
    monkeypatch.setattr(apt_require.time, "sleep", lambda _: None)
    return calls


def test_a_held_lock_is_waited_for(locked_apt):
    apt_require.update_index(deadline=apt_require.time.monotonic() + 60)
    lines = locked_apt.read_text().splitlines()
    assert len(lines) == 2 and all("DPkg::Lock::Timeout=300 update" in line for line in lines)


def test_other_update_errors_fail_at_once(tmp_path, monkeypatch):
    fake = tmp_path / "apt-get"
    fake.write_text("#!/bin/sh\necho 'E: The repository is not signed.' >&2\nexit 100\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")
    with pytest.raises(SystemExit, match="apt-get update failed"):
        apt_require.update_index(deadline=apt_require.time.monotonic() + 60)


def test_usage():
    done = subprocess.run(
        ["python3", "-m", "scripts.apt_require"], capture_output=True, text=True,
        cwd=apt_require.__file__.rsplit("/scripts/", 1)[0],
    )  # fmt: skip
    assert done.returncode == 2
