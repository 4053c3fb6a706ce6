"""Repository rules as code: .github/rules/*.json turned into GitHub REST requests.

- repository.json   PATCH /repos/{owner}/{repo}: merge commits only (no squash, no rebase),
                    auto-merge on;
- ruleset-main.json the ruleset of the default branch (POST, or PUT over the ruleset of the
                    same name): signed commits, PRs with code-owner review, the required checks;
- environments.json PUT /repos/{owner}/{repo}/environments/{name}: reviewers named by team
                    role (`team`), resolved to the team's id through config/platform.yaml's
                    `github.teams` (else the default slugs below) before the request is sent.

Every body is a file in git; the test validates each one against the operation's
requestBody schema in GitHub's REST API description (tests/fixtures/github-rest/).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from platform_setup.config import CONFIG
from platform_setup.errors import ConfigError

RULES = Path(".github/rules")
# Team roles and their slugs when config/platform.yaml has no `github.teams`.
DEFAULT_TEAMS = {"platform": "platform", "ml": "ml", "release_approvers": "release-approvers"}
TEAM_ID_PLACEHOLDER = 0  # dry run: the id a lookup would return


@dataclass(frozen=True)
class Request:
    """One REST call: what `gh api --method METHOD PATH --input -` sends."""

    method: str
    path: str  # with {owner}/{repo} etc. filled in
    operation: str  # the path template of GitHub's description, to find its schema
    body: dict | None = None
    # A ruleset is created once, then updated by id: looked up by name at apply time.
    upsert_by_name: str | None = field(default=None, compare=False)

    def command(self) -> list[str]:
        command = ["gh", "api", "--method", self.method, self.path]
        return [*command, "--input", "-"] if self.body is not None else command


def _load(path: Path):
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise ConfigError(f"{path} not found: the repository rules live in {RULES}/.") from None
    except json.JSONDecodeError as error:
        raise ConfigError(f"{path} is not valid JSON (line {error.lineno}).") from None


def teams(root: Path) -> dict[str, str]:
    """Team role -> slug: config/platform.yaml's `github.teams` if present, else the defaults."""
    data = yaml.safe_load((root / CONFIG).read_text()) or {}
    configured = (data.get("github") or {}).get("teams") or {}
    if not isinstance(configured, dict):
        raise ConfigError(f"{CONFIG}: github.teams must map a team role to its slug.")
    named = {str(k).replace("-", "_"): str(v).rpartition("/")[2] for k, v in configured.items()}
    return {**DEFAULT_TEAMS, **named}


def owner_of(repository: str) -> str:
    return repository.partition("/")[0]


def environment_body(spec: dict, team_ids: dict[str, int], env: str) -> dict:
    """The environment's request body, each `{"team": role}` reviewer made `{"id": …}`."""
    body = {k: v for k, v in spec.items() if k != "reviewers"}
    if "reviewers" in spec:
        reviewers = []
        for reviewer in spec["reviewers"]:
            if "team" in reviewer:
                role = reviewer["team"]
                if role not in team_ids:
                    raise ConfigError(
                        f"{RULES}/environments.json: {env} names team role {role!r}, "
                        f"which is not one of {', '.join(sorted(team_ids))}."
                    )
                reviewer = {"type": "Team", "id": team_ids[role]}
            reviewers.append(reviewer)
        body["reviewers"] = reviewers
    return body


def requests(root: Path, repository: str, team_ids: dict[str, int]) -> list[Request]:
    """Every request that applies the rules, in order (settings, ruleset, environments)."""
    rules = root / RULES
    repo = f"/repos/{repository}"
    out = [
        Request("PATCH", repo, "/repos/{owner}/{repo}", _load(rules / "repository.json")),
    ]
    ruleset = _load(rules / "ruleset-main.json")
    out.append(
        Request(
            "POST",
            f"{repo}/rulesets",
            "/repos/{owner}/{repo}/rulesets",
            ruleset,
            upsert_by_name=ruleset["name"],
        )
    )
    for env, spec in _load(rules / "environments.json").items():
        out.append(
            Request(
                "PUT",
                f"{repo}/environments/{env}",
                "/repos/{owner}/{repo}/environments/{environment_name}",
                environment_body(spec, team_ids, env),
            )
        )
    return out


def reviewer_roles(root: Path) -> set[str]:
    """The team roles environments.json names as reviewers."""
    specs = _load(root / RULES / "environments.json").values()
    return {r["team"] for spec in specs for r in spec.get("reviewers") or [] if "team" in r}


def _show(command: list[str], body: dict | None) -> str:
    text = " ".join(command)
    return text + ("\n" + json.dumps(body, indent=2) if body is not None else "")


def apply(root: Path, repository: str, gh, dry_run: bool) -> list[str]:
    """Send the rules with `gh(command, stdin) -> stdout`; in a dry run only print them.

    Returns what was (or would be) sent, one entry per call: the gh command and its body.
    """
    shown: list[str] = []
    slugs = teams(root)
    team_ids: dict[str, int] = {}
    for role in sorted(reviewer_roles(root)):
        if role not in slugs:
            raise ConfigError(f"{RULES}/environments.json names team role {role!r}: no such team.")
        lookup = ["gh", "api", f"/orgs/{owner_of(repository)}/teams/{slugs[role]}", "--jq", ".id"]
        shown.append(_show(lookup, None))
        team_ids[role] = TEAM_ID_PLACEHOLDER if dry_run else int(gh(lookup, None).strip())
    for request in requests(root, repository, team_ids):
        if request.upsert_by_name and not dry_run:
            find = [
                "gh",
                "api",
                request.path,
                "--jq",
                f'.[] | select(.name == "{request.upsert_by_name}") | .id',
            ]
            shown.append(_show(find, None))
            existing = gh(find, None).strip()
            if existing:
                request = Request(
                    "PUT",
                    f"{request.path}/{existing}",
                    "/repos/{owner}/{repo}/rulesets/{ruleset_id}",
                    request.body,
                )
        shown.append(_show(request.command(), request.body))
        if not dry_run:
            gh(request.command(), json.dumps(request.body))
    return shown
