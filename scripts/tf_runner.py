"""One terraform binary with this machine's CLI config (the provider mirror when there is
one), shared by scripts/tf.py and scripts/tf_bootstrap.py."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from scripts import cli_config

REPO = Path(__file__).resolve().parents[1]


@dataclass
class Terraform:
    binary: str
    build: Path
    env: dict[str, str]

    @classmethod
    def from_environment(cls, environ: dict[str, str] | None = None) -> Terraform:
        env = dict(os.environ if environ is None else environ)
        config = cli_config.write_config(env=env)
        if config:
            env["TF_CLI_CONFIG_FILE"] = str(config)
        env["TF_IN_AUTOMATION"] = "1"
        build = Path(env.get("TF_BUILD") or REPO / "build" / "terraform")
        return cls(env.get("TF", "terraform"), build, env)

    def run(
        self, root: Path | str, *args: str, data_dir: Path | None = None, quiet=False, check=True
    ):
        """terraform -chdir=root args; stdout hidden when quiet; raises on failure if check."""
        env = {**self.env, **({"TF_DATA_DIR": str(data_dir)} if data_dir else {})}
        out = subprocess.DEVNULL if quiet else None
        proc = subprocess.run([self.binary, f"-chdir={root}", *args], env=env, stdout=out)
        if check and proc.returncode != 0:
            raise SystemExit(proc.returncode)
        return proc.returncode
