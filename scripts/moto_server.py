"""moto_server with thirteen emulator gaps closed.

1. The aws:SecureTransport condition of bucket policies.
moto 5.2 evaluates bucket policies on object requests but ignores every condition except
StringEquals, treating the others as met. A TLS-only policy (Deny s3:* when
aws:SecureTransport is false) therefore refuses every object request, even over HTTPS. Here
the request's scheme decides the condition, as on AWS: over HTTPS the deny does not apply,
over plain HTTP it does.

2. Emptying a bucket with suspended versioning that holds delete markers (destroy suspends
versioning, then force_destroy empties the bucket) crashes moto 5.2 with a 500
(FakeDeleteMarker has no dispose()), and the provider retries forever.

3. API Gateway returns a REST API's resource policy as an escaped JSON string, and the
provider unescapes it before parsing; moto 5.2 returns it unescaped, so reading back an
aws_api_gateway_rest_api_policy fails ("invalid character after top-level value").

4. Application Auto Scaling: moto 5.2 has no ListTagsForResource (nor stores tags), which the
provider calls after registering a scalable target, retrying forever; it answers no tags.

5. With IAM enforcement on (INITIAL_NO_AUTH_ACTION_COUNT, the day-one rehearsal), moto 5.2
answers an unsigned sts:AssumeRoleWithWebIdentity with a 500 (KeyError HTTP_AUTHORIZATION),
while AWS takes it unsigned (the token is the credential). Unsigned web-identity calls skip
moto's authentication; it never checked their trust conditions anyway (the rehearsal checks
those with a policy simulator).

6. Also under IAM enforcement, moto 5.2 recomputes SigV4 signatures wrongly for REST GET
requests (EKS DescribeCluster, ListClusters: SignatureDoesNotMatch, 403) while POSTs pass.
The signature is not checked; the access key still names the caller, whose policies moto
evaluates (what the rehearsal tests).

7. Also under IAM enforcement, moto 5.2 authorises ECR calls against the resource "*", so a
policy scoped to one repository (the release role's) never matches and every push is
refused. ECR requests name their repository: authorise against its ARN, as AWS does.

8. Also under IAM enforcement, moto 5.2 authorises HeadBucket as s3:HeadBucket, an action IAM
does not have (AWS checks s3:ListBucket): a read-only role (ReadOnlyAccess: s3:List*) gets
403, and the provider takes the bucket for deleted. Authorise it as s3:ListBucket.

9. Also under IAM enforcement, moto 5.2 authorises CloudWatch Logs calls against the
resource "*", so a policy scoped to one log group (the Lambda execution role's) never
matches and every log write is refused. Logs requests name their group (and stream):
authorise against log-group:NAME:log-stream:STREAM, or log-group:NAME:* (the ARN Logs reports
for a group) when no stream is named.

10. The same for KMS: a grant on one key never matches. KMS requests name their key (KeyId:
an ID, key ARN, alias or alias ARN; Decrypt without KeyId names it in the ciphertext):
authorise against the key's ARN.

11. Also under IAM enforcement, moto 5.2 names X-Ray actions after the URL path
(xray:TraceSegments for PutTraceSegments), which no policy grants. Authorise with the
operation's name.

12. Also under IAM enforcement, moto 5.2 authorises Secrets Manager calls against the resource
"*", so a policy scoped to a name prefix (the External Secrets Operator's: bikeshare/<env>/*)
never matches and every read is refused. Requests name their secret (SecretId, or Name when
creating one): authorise against its ARN, as AWS does.

13. moto 5.2 issues an Amazon-issued (DNS-validated) certificate only 60 s after it was
requested, whatever the records; the Ingress certificate's validation then holds the local
stack's apply for a minute. Here it is issued once asked for after its request (the apply
writes the validation record first); MOTO_ACM_VALIDATION_WAIT still sets another wait.

Run with the certificate from moto_tls.py:

    python moto_server.py -H 127.0.0.1 -p PORT -s -c cert.pem -k key.pem
"""

import base64
import json
import os
import threading
from typing import Any

from moto import server, settings
from moto.apigateway.models import RestAPI
from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse
from moto.core.authorization import ActionAuthenticatorMixin
from moto.ecr.responses import ECRResponse
from moto.iam.access_control import IAMPolicy, IAMRequestBase, PermissionResult
from moto.kms.models import kms_backends
from moto.kms.responses import KmsResponse
from moto.kms.utils import _deserialize_ciphertext_blob
from moto.logs.responses import LogsResponse
from moto.s3.models import FakeBucket, FakeDeleteMarker
from moto.s3.responses import ACTION_MAP as S3_ACTIONS
from moto.secretsmanager.responses import SecretsManagerResponse
from moto.xray.responses import XRayResponse

KEY = "aws:SecureTransport"
_request = threading.local()


def statements_for(policy: dict[str, Any], secure: bool) -> list[dict[str, Any]]:
    """The policy's statements that apply to a request over TLS (secure) or not, with the
    SecureTransport condition resolved and removed."""
    applicable = []
    for statement in policy.get("Statement", []):
        condition = {op: dict(keys) for op, keys in statement.get("Condition", {}).items()}
        expected = condition.get("Bool", {}).pop(KEY, None)
        if expected is not None:
            if str(expected).lower() != str(secure).lower():
                continue
            condition = {op: keys for op, keys in condition.items() if keys}
            statement = {k: v for k, v in statement.items() if k != "Condition"}
            if condition:
                statement["Condition"] = condition
        applicable.append(statement)
    return applicable


def get_permission(self: FakeBucket, action: str, resource: str) -> Any:
    if self.policy is None:
        return PermissionResult.NEUTRAL
    policy = json.loads(self.policy.decode())
    secure = getattr(_request, "secure", False)
    policy["Statement"] = statements_for(policy, secure)
    return IAMPolicy(json.dumps(policy)).is_action_permitted(action, resource)


def _run_simple(host: str, port: int, app: Any, **kwargs: Any) -> None:
    def remember_scheme(environ: dict, start_response: Any) -> Any:
        _request.secure = environ.get("wsgi.url_scheme") == "https"
        return app(environ, start_response)

    _original_run_simple(host, port, remember_scheme, **kwargs)


def rest_api_to_dict(self: RestAPI) -> dict[str, Any]:
    data = _original_rest_api_to_dict(self)
    if data.get(RestAPI.PROP_POLICY):
        data[RestAPI.PROP_POLICY] = json.dumps(data[RestAPI.PROP_POLICY])[1:-1]
    return data


def list_tags_for_resource(self: ApplicationAutoScalingResponse) -> str:
    return json.dumps({"Tags": {}})


UNSIGNED_ACTIONS = {"AssumeRoleWithWebIdentity", "AssumeRoleWithSAML"}
# X-Ray's REST paths and the operations IAM knows them by.
XRAY_ACTIONS = {
    "TraceSegments": "PutTraceSegments",
    "TelemetryRecords": "PutTelemetryRecords",
    "Traces": "BatchGetTraces",
    "ServiceGraph": "GetServiceGraph",
    "TraceGraph": "GetTraceGraph",
    "TraceSummaries": "GetTraceSummaries",
}


def authenticate_and_authorize_normal_action(self: Any, resource: str = "*") -> None:
    if "Authorization" not in self.headers and self._get_action() in UNSIGNED_ACTIONS:
        return
    if isinstance(self, XRayResponse):
        path = XRayResponse._get_action(self)
        # For the authorisation only: dispatch still finds the handler by the path.
        self._get_action = lambda: XRAY_ACTIONS.get(path, path)
        try:
            _original_authorize(self, resource)
        finally:
            del self._get_action
        return
    _original_authorize(self, resource)


def _json_body(self: Any) -> dict[str, Any]:
    try:
        body = json.loads(self.body or "{}")
    except (ValueError, TypeError):
        return {}
    return body if isinstance(body, dict) else {}


def ecr_resource(self: ECRResponse) -> str:
    try:
        name = json.loads(self.body or "{}").get("repositoryName")
    except (ValueError, AttributeError):
        name = None
    if not name:
        return "*"
    return f"arn:aws:ecr:{self.region}:{self.current_account}:repository/{name}"


def logs_resource(self: LogsResponse) -> str:
    body = _json_body(self)
    group = body.get("logGroupName") or body.get("logGroupIdentifier")
    if not isinstance(group, str) or not group:
        return "*"
    if group.startswith("arn:"):  # logGroupIdentifier may be the group's ARN
        group = group.split(":log-group:", 1)[-1].removesuffix(":*")
    arn = f"arn:aws:logs:{self.region}:{self.current_account}:log-group:{group}"
    stream = body.get("logStreamName")
    return f"{arn}:log-stream:{stream}" if isinstance(stream, str) and stream else f"{arn}:*"


def kms_resource(self: KmsResponse) -> str:
    body = _json_body(self)
    key = body.get("KeyId")
    if not key and isinstance(body.get("CiphertextBlob"), str):
        try:
            blob = base64.b64decode(body["CiphertextBlob"])
            key = _deserialize_ciphertext_blob(ciphertext_blob=blob).key_id
        except Exception:  # not moto's ciphertext: KMS itself refuses it
            return "*"
    if not isinstance(key, str) or not key:
        return "*"
    backend = kms_backends[self.current_account][self.region]
    key = backend.get_alias_name(key)
    if key.startswith("alias/"):
        # Looked up without moto's helper, which makes AWS-managed keys as it resolves them.
        key = next((k.id for k in backend.keys.values() if key in k.aliases), "")
        if not key:  # an unknown alias: the operation itself answers NotFound
            return "*"
    return f"arn:aws:kms:{self.region}:{self.current_account}:key/{backend.get_key_id(key)}"


def secretsmanager_resource(self: SecretsManagerResponse) -> str:
    try:
        body = json.loads(self.body or "{}")
    except (ValueError, AttributeError):
        return "*"
    name = body.get("SecretId") or body.get("Name") if isinstance(body, dict) else None
    if not isinstance(name, str) or not name:
        return "*"
    secret = self.backend.secrets.get(name)
    if secret is not None:
        return secret.arn
    if name.startswith("arn:"):
        return name
    return f"arn:aws:secretsmanager:{self.region}:{self.current_account}:secret:{name}"


FakeBucket.get_permission = get_permission
ECRResponse._determine_resource = ecr_resource  # type: ignore[attr-defined]
LogsResponse._determine_resource = logs_resource  # type: ignore[attr-defined]
KmsResponse._determine_resource = kms_resource  # type: ignore[attr-defined]
SecretsManagerResponse._determine_resource = secretsmanager_resource  # type: ignore[attr-defined]
settings.ACM_VALIDATION_WAIT = int(os.environ.get("MOTO_ACM_VALIDATION_WAIT", "0"))
S3_ACTIONS["BUCKET"]["HEAD"]["DEFAULT"] = "ListBucket"  # type: ignore[method-assign]
if not hasattr(FakeDeleteMarker, "dispose"):
    # A delete marker holds no data: nothing to release.
    FakeDeleteMarker.dispose = lambda self, garbage=False: None  # type: ignore[attr-defined]
_original_rest_api_to_dict = RestAPI.to_dict
RestAPI.to_dict = rest_api_to_dict  # type: ignore[method-assign]
ApplicationAutoScalingResponse.list_tags_for_resource = list_tags_for_resource  # type: ignore[attr-defined]
IAMRequestBase.check_signature = lambda self: None  # type: ignore[method-assign]
_original_authorize = ActionAuthenticatorMixin._authenticate_and_authorize_normal_action
ActionAuthenticatorMixin._authenticate_and_authorize_normal_action = (  # type: ignore[method-assign]
    authenticate_and_authorize_normal_action
)
_original_run_simple = server.run_simple
server.run_simple = _run_simple

if __name__ == "__main__":
    server.main()
