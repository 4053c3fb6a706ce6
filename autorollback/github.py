"""On GitHub: the App's installation token, the branch pushed with it, the PR opened through
the REST API (POST /repos/{owner}/{repo}/pulls). GitHub cannot run on this machine: this part
is exercised against GitHub only; the branch and its body are the same as here."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path

import httpx
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from autorollback.act import Opened
from gitops import git
from gitops.errors import Refusal

API = "https://api.github.com"
HEADERS = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def app_jwt(client_id: str, private_key_pem: bytes, now: float | None = None) -> str:
    """The App's RS256 JWT (GitHub: issued 60 s in the past, valid at most 10 minutes)."""
    now = int(time.time() if now is None else now)
    header = _b64(json.dumps({"alg": "RS256", "typ": "JWT"}).encode())
    claims = _b64(json.dumps({"iat": now - 60, "exp": now + 540, "iss": client_id}).encode())
    key = serialization.load_pem_private_key(private_key_pem, password=None)
    signature = key.sign(f"{header}.{claims}".encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{header}.{claims}.{_b64(signature)}"


def installation_token(client_id: str, installation_id: str, key: bytes, api: str = API) -> str:
    response = httpx.post(
        f"{api}/app/installations/{installation_id}/access_tokens",
        headers={**HEADERS, "Authorization": f"Bearer {app_jwt(client_id, key)}"},
        json={"permissions": {"contents": "write", "pull_requests": "write"}},
        timeout=10,
    )
    if response.status_code != 201:
        raise Refusal(f"GitHub refused the App's installation token ({response.status_code}).")
    return response.json()["token"]


def _auth(token: str) -> str:
    basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
    return f"http.extraheader=Authorization: Basic {basic}"


def sync(root: Path, repository: str, token: str) -> None:
    """The clone on origin's main before each decision: clone once, then fetch and reset."""
    url = f"https://github.com/{repository}.git"
    if not (root / ".git").exists():
        git.git(root.parent, "-c", _auth(token), "clone", "--quiet", url, str(root))
        return
    git.git(root, "-c", _auth(token), "fetch", "--quiet", url, "main")
    git.git(root, "switch", "--quiet", "-C", "main", "FETCH_HEAD")


def propose(root: Path, repository: str, token: str, opened: Opened, api: str = API) -> str:
    """Push the branch and open its PR against main; returns the PR's URL."""
    git.git(
        root,
        "-c",
        _auth(token),
        "push",
        "--quiet",
        f"https://github.com/{repository}.git",
        f"{opened.branch}:{opened.branch}",
    )
    title = git.git(root, "log", "-1", "--format=%s", opened.branch).strip()
    response = httpx.post(
        f"{api}/repos/{repository}/pulls",
        headers={**HEADERS, "Authorization": f"Bearer {token}"},
        json={"title": title, "head": opened.branch, "base": "main", "body": opened.body},
        timeout=10,
    )
    if response.status_code != 201:
        raise Refusal(f"GitHub refused the rollback PR ({response.status_code}).")
    return response.json()["html_url"]
