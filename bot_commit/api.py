"""A small client of GitHub's REST API (stdlib only): JSON in, JSON out, one sentence on error."""

from __future__ import annotations

import contextlib
import json
import urllib.error
import urllib.request
from dataclasses import dataclass

API_VERSION = "2022-11-28"


class ApiError(Exception):
    """A request GitHub (or the stand-in) refused; the message is one sentence."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class GitHub:
    url: str  # e.g. https://api.github.com (GITHUB_API_URL on Actions)
    repository: str  # owner/name
    token: str

    def call(self, method: str, path: str, body: dict | None = None) -> dict:
        """`path` is relative to /repos/{owner}/{repo}, e.g. `/git/blobs`."""
        if not self.url.startswith(("https://", "http://127.0.0.1:", "http://localhost:")):
            raise ApiError(f"{self.url} is not an https URL (plain http only on loopback).")
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
            f"{self.url.rstrip('/')}/repos/{self.repository}{path}",
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={
                "Accept": "application/vnd.github+json",
                "Authorization": f"Bearer {self.token}",
                "X-GitHub-Api-Version": API_VERSION,
                "Content-Type": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            detail = error.read().decode(errors="replace")[:300]
            with contextlib.suppress(ValueError, AttributeError):
                detail = json.loads(detail).get("message", detail)
            raise ApiError(f"{method} {path} answered {error.code}: {detail}", error.code) from None
        except urllib.error.URLError as error:
            raise ApiError(f"{method} {path} failed: {error.reason}") from None
