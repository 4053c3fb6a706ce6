"""The rehearsal's runner: a context every step shares, and one printed line per step and
per refusal it expected. The steps themselves are data (dayone/steps.py)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from dayone.emulator import ACCOUNT, ADMIN_ROLE, Credentials, Emulator
from dayone.policy_check import Policies, Request, evaluate
from dayone.terraform_run import Terraform

PROJECT = "bikeshare"
ENV = "local"
STATE_BUCKET = f"{PROJECT}-tfstate-{ACCOUNT}"
REPOSITORY = "acme-mlops/bikeshare-gitops"  # envs/local's default github_repository


class StepFailed(RuntimeError):
    pass


@dataclass
class Context:
    """What the steps share: the emulator, each role's credentials, Terraform, outputs."""

    emulator: Emulator
    workdir: Path
    say: Callable[[str], None]
    creds: dict[str, Credentials] = field(default_factory=dict)
    outputs: dict = field(default_factory=dict)
    terraform: Terraform | None = None

    def role_arn(self, name: str) -> str:
        return f"arn:aws:iam::{ACCOUNT}:role/{name}"

    def role(self, short: str) -> str:
        return f"{PROJECT}-{ENV}-{short}"

    @property
    def admin(self) -> Credentials:
        if "admin" not in self.creds:
            self.creds["admin"] = self.emulator.assume(
                self.emulator.person, self.role_arn(ADMIN_ROLE), "day-one"
            )
        return self.creds["admin"]

    def web_identity(self, role_short: str, subject: str) -> Credentials:
        """Credentials as a workflow gets them: the OIDC token for `subject`, exchanged by STS."""
        key = f"{role_short}:{subject}"
        if key not in self.creds:
            self.creds[key] = self.emulator.assume_with_web_identity(
                self.role_arn(self.role(role_short)), subject
            )
        return self.creds[key]

    def policies(self) -> Policies:
        return Policies(self.emulator, self.admin)

    def refused(self, what: str, call: Callable[[], object]) -> None:
        """`call` must fail with AccessDenied; prints the refusal it expected."""
        try:
            call()
        except Exception as error:  # botocore's ClientError, by code
            code = getattr(error, "response", {}).get("Error", {}).get("Code", "")
            if code in {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation"}:
                self.say(f"refused  {what} ({code})")
                return
            raise StepFailed(f"{what}: expected AccessDenied, got {error}") from error
        raise StepFailed(f"{what} was allowed; it must be refused.")

    def expect(self, checks: list[tuple[Request, str]]) -> None:
        """Each request evaluated by the policy simulator must come out as expected
        ("Allowed", or "denied": implicitly or explicitly)."""
        results = evaluate([request for request, _ in checks])
        wrong = []
        for request, expected in checks:
            got = results[request.name]
            ok = got == "Allowed" if expected == "Allowed" else got != "Allowed"
            word = "allowed " if got == "Allowed" else "refused "
            if ok:
                self.say(f"{word} {request.name} (policy simulator: {got})")
            else:
                wrong.append(f"{request.name}: {got}, expected {expected}")
        if wrong:
            raise StepFailed("; ".join(wrong))


@dataclass(frozen=True)
class Step:
    """One thing done on day one, by the role that does it on AWS."""

    name: str
    role: str
    run: Callable[[Context], str]


def rehearse(steps: list[Step], context: Context) -> float:
    """Runs the steps in order; stops at the first that fails (StepFailed). Seconds taken."""
    started = time.monotonic()
    for step in steps:
        t0 = time.monotonic()
        detail = step.run(context)
        context.say(
            f"ok       {step.name} [as {step.role}] {detail} ({time.monotonic() - t0:.1f} s)"
        )
    return time.monotonic() - started
