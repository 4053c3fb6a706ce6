"""Day one in the order a new account lives it, each step as the role that does it on AWS.

STEPS is data: a step is (name, role, function of the shared Context). To add a step, write
its function and put it in STEPS where the order stays true.
"""

from __future__ import annotations

import json

from dayone.emulator import ACCOUNT, REGION, Credentials
from dayone.policy_check import Request
from dayone.rehearsal import ENV, PROJECT, REPOSITORY, STATE_BUCKET, Context, Step, StepFailed
from dayone.terraform_run import tail

PLAN_SUBJECT = f"repo:{REPOSITORY}:environment:plan"
RELEASE_SUBJECT = f"repo:{REPOSITORY}:ref:refs/heads/main"
GITHUB = "token.actions.githubusercontent.com"
# A resource whose replacement is harmless and needs write rights: the apply the plan role
# tries (and must be refused).
REPLACE_PROBE = "module.platform.module.eks[0].module.kms_key.aws_kms_alias.this[0]"


def _ok(done, what: str) -> None:
    if done.returncode != 0:
        raise StepFailed(f"{what} failed:\n{tail(done)}")


def bootstrap_state(ctx: Context) -> str:
    _ok(ctx.terraform.bootstrap(ctx.admin), "the bootstrap")
    return f"state bucket s3://{STATE_BUCKET}, its own state moved in"


def first_apply(ctx: Context) -> str:
    tf = ctx.terraform
    _ok(tf.init(ctx.admin), "terraform init (S3 backend)")
    _ok(tf.platform(ctx.admin, "apply", "-auto-approve", *tf.vars), "the first apply")
    done = tf.platform(ctx.admin, "output", "-json", "platform")
    _ok(done, "terraform output")
    ctx.outputs = json.loads(done.stdout)
    return f"platform applied, state in s3://{STATE_BUCKET}/local/terraform.tfstate"


def plan_as_plan_role(ctx: Context) -> str:
    creds = ctx.web_identity("github-plan", PLAN_SUBJECT)
    done = ctx.terraform.platform(creds, "plan", "-detailed-exitcode", *ctx.terraform.vars)
    (ctx.workdir / "plan-as-plan-role.txt").write_text(done.stdout + done.stderr)
    if done.returncode == 1:
        raise StepFailed(f"terraform plan as the plan role failed:\n{tail(done)}")
    if done.returncode == 2:
        # Right after the apply, a plan with changes means the role cannot see the stack as
        # it is (a read it is refused looks like a deleted resource to the provider).
        summary = [line for line in done.stdout.splitlines() if line.startswith("Plan:")]
        raise StepFailed(
            "the plan role's plan is not empty after the apply "
            f"({summary[0] if summary else 'changes'}); see plan-as-plan-role.txt in the workdir."
        )
    return "terraform plan: no changes"


def plan_role_cannot_apply(ctx: Context) -> str:
    creds = ctx.web_identity("github-plan", PLAN_SUBJECT)
    tf = ctx.terraform
    # No refresh: the plan step read everything already; the first write is what must fail.
    done = tf.platform(
        creds, "apply", "-auto-approve", "-refresh=false", f"-replace={REPLACE_PROBE}", *tf.vars
    )
    text = done.stdout + done.stderr
    if done.returncode == 0 or "AccessDenied" not in text:
        raise StepFailed(
            f"terraform apply as the plan role was not refused for lack of rights:\n{tail(done)}"
        )
    ctx.say("refused  terraform apply as the plan role (AccessDenied)")
    s3 = ctx.emulator.client("s3", creds)
    ctx.refused(
        "the plan role writing the state object",
        lambda: s3.put_object(Bucket=STATE_BUCKET, Key="local/terraform.tfstate", Body=b"{}"),
    )
    return "read-only, as it must be"


def release_pushes(ctx: Context) -> str:
    creds = ctx.web_identity("github-release", RELEASE_SUBJECT)
    ecr = ctx.emulator.client("ecr", creds)
    ecr.get_authorization_token()
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {
            "mediaType": "application/vnd.docker.container.image.v1+json",
            "size": 2,
            "digest": "sha256:" + "0" * 64,
        },
        "layers": [],
    }
    pushed = ecr.put_image(
        repositoryName=PROJECT, imageManifest=json.dumps(manifest), imageTag="rehearsal"
    )
    bucket = ctx.outputs["artifacts_bucket_name"]
    ctx.emulator.client("s3", creds).put_object(
        Bucket=bucket, Key="models/rehearsal/model.skops", Body=b"model"
    )
    s3 = ctx.emulator.client("s3", creds)
    ctx.refused(
        "the release role reading the state",
        lambda: s3.get_object(Bucket=STATE_BUCKET, Key="local/terraform.tfstate"),
    )
    ctx.refused(
        "the release role writing the state",
        lambda: s3.put_object(Bucket=STATE_BUCKET, Key="local/terraform.tfstate", Body=b"{}"),
    )
    digest = pushed["image"]["imageId"]["imageDigest"]
    return f"pushed {PROJECT}@{digest[:19]}…, wrote s3://{bucket}/models/rehearsal/"


def _arn(kind: str, name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:{kind}/{name}"


def policies_moto_does_not_enforce(ctx: Context) -> str:
    p = ctx.policies()
    role = ctx.role
    state_key = p.key_arn(STATE_BUCKET)
    artifacts = ctx.outputs["artifacts_bucket_name"]
    artifacts_key = ctx.outputs["artifacts_kms_key_arn"]
    eks_key = p.key_arn(f"{PROJECT}-local-eks")
    boundary_arn = _arn("policy", f"{PROJECT}-local-boundary")
    via_s3 = {"kms:ViaService": f"s3.{REGION}.amazonaws.com"}
    tls = {"aws:SecureTransport": "true"}

    def as_role(
        name: str, short: str, action: str, resource: str, *, resource_policy=None, context=None
    ):
        return Request(
            name=name,
            principal=ctx.role_arn(role(short)),
            action=action,
            resource=resource,
            identity_policies=p.identity(role(short)),
            boundary=p.boundary(role(short)),
            resource_policy=resource_policy,
            context=context or {},
        )

    def trust(name: str, short: str, subject: str):
        return Request(
            name=name,
            principal=f"arn:aws:iam::{ACCOUNT}:oidc-provider/{GITHUB}",
            action="sts:AssumeRoleWithWebIdentity",
            resource=ctx.role_arn(role(short)),
            resource_policy=p.trust(role(short)),
            context={f"{GITHUB}:sub": subject, f"{GITHUB}:aud": "sts.amazonaws.com"},
        )

    state_key_policy = p.key_policy(state_key)
    state_policy = p.bucket_policy(STATE_BUCKET)
    artifacts_policy = p.bucket_policy(artifacts)
    state_object = f"arn:aws:s3:::{STATE_BUCKET}/local/terraform.tfstate"
    deploy = "github-deploy-staging"
    checks = [
        (
            trust(
                "GitHub's plan environment may assume the plan role", "github-plan", PLAN_SUBJECT
            ),
            "Allowed",
        ),
        (
            trust(
                "a pull request's token may not assume the plan role",
                "github-plan",
                f"repo:{REPOSITORY}:pull_request",
            ),
            "denied",
        ),
        (trust("main may assume the release role", "github-release", RELEASE_SUBJECT), "Allowed"),
        (
            trust(
                "another branch may not assume the release role",
                "github-release",
                f"repo:{REPOSITORY}:ref:refs/heads/feature",
            ),
            "denied",
        ),
        (
            trust(
                "the staging environment may not assume the plan role",
                "github-plan",
                f"repo:{REPOSITORY}:environment:staging",
            ),
            "denied",
        ),
        (
            as_role(
                "the plan role decrypts the state through S3",
                "github-plan",
                "kms:Decrypt",
                state_key,
                resource_policy=state_key_policy,
                context={
                    **via_s3,
                    "kms:EncryptionContext:aws:s3:arn": f"arn:aws:s3:::{STATE_BUCKET}",
                    "kms:ResourceAliases": [f"alias/{STATE_BUCKET}"],
                },
            ),
            "Allowed",
        ),
        (
            as_role(
                "the plan role decrypts the state key outside S3",
                "github-plan",
                "kms:Decrypt",
                state_key,
                resource_policy=state_key_policy,
                context={"kms:ResourceAliases": [f"alias/{STATE_BUCKET}"]},
            ),
            "denied",
        ),
        (
            as_role(
                "the plan role decrypts the artifacts key",
                "github-plan",
                "kms:Decrypt",
                artifacts_key,
                resource_policy=p.key_policy(artifacts_key),
                context={
                    **via_s3,
                    "kms:EncryptionContext:aws:s3:arn": f"arn:aws:s3:::{artifacts}",
                    "kms:ResourceAliases": [f"alias/{artifacts}"],
                },
            ),
            "denied",
        ),
        (
            as_role(
                "the plan role reads the state object",
                "github-plan",
                "s3:GetObject",
                state_object,
                resource_policy=state_policy,
                context=tls,
            ),
            "Allowed",
        ),
        (
            as_role(
                "the plan role reads a model in the artifacts bucket",
                "github-plan",
                "s3:GetObject",
                f"arn:aws:s3:::{artifacts}/models/x",
                resource_policy=artifacts_policy,
                context=tls,
            ),
            "denied",
        ),
        (
            as_role(
                "the plan role writes the state object",
                "github-plan",
                "s3:PutObject",
                state_object,
                resource_policy=state_policy,
                context=tls,
            ),
            "denied",
        ),
        (
            as_role(
                "the plan role reads the state without TLS",
                "github-plan",
                "s3:GetObject",
                state_object,
                resource_policy=state_policy,
                context={"aws:SecureTransport": "false"},
            ),
            "denied",
        ),
        (
            as_role(
                "the deploy role creates a project role with the boundary",
                deploy,
                "iam:CreateRole",
                _arn("role", f"{PROJECT}-local-new"),
                context={"iam:PermissionsBoundary": boundary_arn},
            ),
            "Allowed",
        ),
        (
            as_role(
                "the deploy role creates a role without the boundary",
                deploy,
                "iam:CreateRole",
                _arn("role", f"{PROJECT}-local-new"),
            ),
            "denied",
        ),
        (
            as_role(
                "the deploy role creates a role outside the project's names",
                deploy,
                "iam:CreateRole",
                _arn("role", "admin-2"),
                context={"iam:PermissionsBoundary": boundary_arn},
            ),
            "denied",
        ),
        (
            as_role(
                "the deploy role adds a policy to itself",
                deploy,
                "iam:PutRolePolicy",
                ctx.role_arn(role(deploy)),
                context={"iam:PermissionsBoundary": boundary_arn},
            ),
            "denied",
        ),
        (
            as_role(
                "the deploy role attaches a policy to itself",
                deploy,
                "iam:AttachRolePolicy",
                ctx.role_arn(role(deploy)),
                context={
                    "iam:PermissionsBoundary": boundary_arn,
                    "iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess",
                },
            ),
            "denied",
        ),
        (
            as_role(
                "the deploy role rewrites the boundary",
                deploy,
                "iam:CreatePolicyVersion",
                boundary_arn,
            ),
            "denied",
        ),
        (
            as_role(
                "the deploy role removes a role's boundary",
                deploy,
                "iam:DeleteRolePermissionsBoundary",
                ctx.role_arn(role("workload")),
            ),
            "denied",
        ),
        (
            as_role(
                "the cluster role encrypts secrets with its key",
                "eks-cluster",
                "kms:Encrypt",
                eks_key,
                resource_policy=p.key_policy(eks_key),
            ),
            "Allowed",
        ),
        (
            as_role(
                "the cluster role decrypts the state key",
                "eks-cluster",
                "kms:Decrypt",
                state_key,
                resource_policy=state_key_policy,
            ),
            "denied",
        ),
        (
            as_role(
                "Kyverno reads image signatures from ECR",
                "kyverno",
                "ecr:BatchGetImage",
                f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/{PROJECT}",
            ),
            "Allowed",
        ),
        (
            as_role(
                "Kyverno reads the artifacts bucket",
                "kyverno",
                "s3:GetObject",
                f"arn:aws:s3:::{artifacts}/models/x",
                resource_policy=artifacts_policy,
                context=tls,
            ),
            "denied",
        ),
        (
            as_role(
                "the workload reads a model",
                "workload",
                "s3:GetObject",
                f"arn:aws:s3:::{artifacts}/models/x",
                resource_policy=artifacts_policy,
                context=tls,
            ),
            "Allowed",
        ),
        (
            as_role(
                "the workload reads the state",
                "workload",
                "s3:GetObject",
                state_object,
                resource_policy=state_policy,
                context=tls,
            ),
            "denied",
        ),
    ]
    ctx.expect(checks)
    return f"{len(checks)} requests evaluated with @cloud-copilot/iam-simulate"


PROMOTE_SUBJECT = f"repo:{REPOSITORY}:environment:prod"  # promote.yml runs in `prod`
REHEARSAL_DIGEST = "sha256:" + "ab" * 32


def _pod_identity(ctx: Context, role_arn: str) -> Credentials:
    """The credentials EKS Pod Identity hands the verification Job's pod. moto has no
    eks-auth, and 5.2.5 answers HTTP 500 to sts:AssumeRole on a role that trusts a Service
    principal, so the administrator's session stands in for the Pod Identity agent: the
    role is made to trust that session (its real trust policy, pods.eks.amazonaws.com only,
    is asserted by terraform/modules/verification-evidence's `terraform test`)."""
    admin_session = ctx.emulator.client("sts", ctx.admin).get_caller_identity()["Arn"]
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": admin_session}, "Action": "sts:AssumeRole"}
        ],
    }
    ctx.emulator.client("iam", ctx.admin).update_assume_role_policy(
        RoleName=role_arn.rsplit("/", 1)[1], PolicyDocument=json.dumps(trust)
    )
    return ctx.emulator.assume(ctx.admin, role_arn, "verification-job")


def job_writes_evidence(ctx: Context) -> str:
    store = ctx.outputs["verification_evidence"]
    bucket, prefix = store["bucket"], store["prefix"]
    s3 = ctx.emulator.client("s3", _pod_identity(ctx, store["writer_role_arn"]))
    key = f"{prefix}{REHEARSAL_DIGEST}.json"
    s3.put_object(Bucket=bucket, Key=key, Body=b'{"passed": true}')
    other = prefix.replace(f"/{ENV}/", "/prod/")
    ctx.refused(
        "the Job role writing another environment's evidence",
        lambda: s3.put_object(Bucket=bucket, Key=f"{other}{REHEARSAL_DIGEST}.json", Body=b"{}"),
    )
    ctx.refused(
        "the Job role reading evidence back",
        lambda: s3.get_object(Bucket=bucket, Key=key),
    )
    ctx.refused(
        "the Job role writing a model",
        lambda: s3.put_object(Bucket=bucket, Key="models/forged/model.skops", Body=b"x"),
    )
    ctx.refused(
        "the Job role reading the state",
        lambda: s3.get_object(Bucket=STATE_BUCKET, Key="local/terraform.tfstate"),
    )
    return f"wrote s3://{bucket}/{key[:40]}…"


def promote_reads_evidence(ctx: Context) -> str:
    store = ctx.outputs["verification_evidence"]
    bucket, key = store["bucket"], f"{store['prefix']}{REHEARSAL_DIGEST}.json"
    creds = ctx.web_identity("promote", PROMOTE_SUBJECT)
    s3 = ctx.emulator.client("s3", creds)
    body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    if json.loads(body) != {"passed": True}:
        raise StepFailed(f"the promote role read {body!r}, not what the Job wrote")
    ctx.refused(
        "the promote role forging evidence",
        lambda: s3.put_object(Bucket=bucket, Key=key, Body=b'{"passed": true, "forged": 1}'),
    )
    ctx.refused(
        "the promote role reading a model",
        lambda: s3.get_object(Bucket=bucket, Key="models/rehearsal/model.skops"),
    )
    return f"read s3://{bucket}/{key[:40]}… as the Job wrote it"


# The verification Job's Pod Identity role writes evidence and nothing else; the promote
# workflow's role reads it (Step(name, role, function)).
EVIDENCE_STEPS: list[Step] = [
    Step(
        "verification evidence written by the Job",
        f"{PROJECT}-local-verify (Pod Identity)",
        job_writes_evidence,
    ),
    Step(
        "the promotion reads the evidence",
        f"{PROJECT}-local-promote (web identity)",
        promote_reads_evidence,
    ),
]

STEPS: list[Step] = [
    Step("bootstrap: the state bucket", "day-one-admin (a person)", bootstrap_state),
    Step("first apply of the platform", "day-one-admin (a person)", first_apply),
    Step(
        "terraform plan of a pull request",
        f"{PROJECT}-local-github-plan (web identity)",
        plan_as_plan_role,
    ),
    Step(
        "an apply by the plan role",
        f"{PROJECT}-local-github-plan (web identity)",
        plan_role_cannot_apply,
    ),
    Step(
        "release: image and model pushed",
        f"{PROJECT}-local-github-release (web identity)",
        release_pushes,
    ),
    Step("what moto does not enforce", "policy simulator", policies_moto_does_not_enforce),
    *EVIDENCE_STEPS,
]
