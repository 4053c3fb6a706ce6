"""moto_server with four emulator gaps closed.

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

Run with the certificate from moto_tls.py:

    python moto_server.py -H 127.0.0.1 -p PORT -s -c cert.pem -k key.pem
"""

import json
import threading
from typing import Any

from moto import server
from moto.apigateway.models import RestAPI
from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse
from moto.iam.access_control import IAMPolicy, PermissionResult
from moto.s3.models import FakeBucket, FakeDeleteMarker

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


FakeBucket.get_permission = get_permission  # type: ignore[method-assign]
if not hasattr(FakeDeleteMarker, "dispose"):
    # A delete marker holds no data: nothing to release.
    FakeDeleteMarker.dispose = lambda self, garbage=False: None  # type: ignore[attr-defined]
_original_rest_api_to_dict = RestAPI.to_dict
RestAPI.to_dict = rest_api_to_dict  # type: ignore[method-assign]
ApplicationAutoScalingResponse.list_tags_for_resource = list_tags_for_resource  # type: ignore[attr-defined]
_original_run_simple = server.run_simple
server.run_simple = _run_simple

if __name__ == "__main__":
    server.main()
