"""cloudwatch-alarms, sagemaker-endpoint and api-gateway applied on moto once per session
(tests/terraform/operations_modules, about 100 s: KMS keys wait), then checked with boto3
and a second plan.

What moto cannot show is covered by each module's `terraform test` (mocked provider): the
alarms never fire on moto, JSON metric-filter patterns are not evaluated, a SageMaker
model's network isolation and an integration's VPC link id are not stored.
"""

import json
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest

from tests.fixtures.terraform_local import run_terraform, terraform_env

pytestmark = pytest.mark.slow

ROOT = Path(__file__).parent / "operations_modules"
NAME = "bikeshare-ops"


@dataclass
class OpsRoot:
    env: dict[str, str]
    state: str
    endpoint: str
    outputs: dict

    def terraform(self, *args: str):
        return run_terraform(
            ROOT, self.env, *args, self.state, f"-var=aws_endpoint={self.endpoint}"
        )


@pytest.fixture(scope="session")
def ops_root(moto_endpoint: str, tmp_path_factory) -> OpsRoot:
    """Apply the root on the session's moto server, once."""
    work = tmp_path_factory.mktemp("tf-ops")
    env = terraform_env(work / ".terraform")
    root = OpsRoot(env, f"-state={work / 'terraform.tfstate'}", moto_endpoint, {})
    run_terraform(ROOT, env, "init")
    root.terraform("apply", "-auto-approve")
    raw = json.loads(run_terraform(ROOT, env, "output", "-json", root.state).stdout)
    root.outputs = {name: item["value"] for name, item in raw.items()}
    return root


@pytest.fixture(scope="module")
def ops_stack(ops_root: OpsRoot) -> dict:
    """The root's outputs: alarms, sagemaker, api (module outputs) and prerequisites."""
    return ops_root.outputs


@pytest.fixture(scope="module")
def aws(moto_endpoint: str):
    def client(service: str):
        return boto3.client(service, endpoint_url=moto_endpoint, region_name="us-east-1")

    return client


def _alarms(aws) -> dict[str, dict]:
    found = aws("cloudwatch").describe_alarms(AlarmNamePrefix=f"{NAME}-")["MetricAlarms"]
    return {a["AlarmName"]: a for a in found}


def test_ops_topic_is_kms_encrypted_and_only_these_alarms_publish(aws, ops_stack):
    alarms = ops_stack["alarms"]
    attributes = aws("sns").get_topic_attributes(TopicArn=alarms["sns_topic_arn"])["Attributes"]
    assert attributes["KmsMasterKeyId"] == alarms["kms_key_arn"]
    key = aws("kms").describe_key(KeyId=alarms["kms_key_arn"])["KeyMetadata"]
    assert key["KeyState"] == "Enabled"
    statements = json.loads(attributes["Policy"])["Statement"]
    publish = next(s for s in statements if s["Sid"] == "CloudWatchAlarmsPublish")
    assert publish["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert publish["Condition"]["ArnLike"]["aws:SourceArn"].endswith(f":alarm:{NAME}-*")


def test_ops_every_alarm_exists_and_notifies_the_topic(aws, ops_stack):
    alarms = _alarms(aws)
    assert set(alarms) == set(ops_stack["alarms"]["alarm_names"].values())
    assert len(alarms) == 6
    topic = ops_stack["alarms"]["sns_topic_arn"]
    for name, alarm in alarms.items():
        assert alarm["AlarmActions"] == [topic], name
        assert alarm["OKActions"] == [topic], name


def test_ops_load_balancer_alarms_watch_the_alb_by_arn_suffix(aws, ops_stack):
    alarms, lb = _alarms(aws), ops_stack["prerequisites"]["load_balancer"]
    p99 = alarms[f"{NAME}-target-p99-latency"]
    assert (p99["Namespace"], p99["MetricName"]) == ("AWS/ApplicationELB", "TargetResponseTime")
    assert p99["ExtendedStatistic"] == "p99"
    assert {d["Name"]: d["Value"] for d in p99["Dimensions"]} == {
        "LoadBalancer": lb["arn_suffix"],
        "TargetGroup": lb["target_group_arn_suffix"],
    }
    unhealthy = alarms[f"{NAME}-unhealthy-targets"]
    assert unhealthy["MetricName"] == "UnHealthyHostCount"
    assert unhealthy["TreatMissingData"] == "breaching"
    rate = alarms[f"{NAME}-alb-5xx-rate"]
    queries = {q["Id"]: q for q in rate["Metrics"]}
    assert queries["rate"]["Expression"].startswith("IF(requests >= 50, 100 * (")
    assert queries["rate"]["ReturnData"] is True
    inputs = {q["MetricStat"]["Metric"]["MetricName"] for i, q in queries.items() if i != "rate"}
    assert inputs == {"RequestCount", "HTTPCode_ELB_5XX_Count", "HTTPCode_Target_5XX_Count"}


def test_ops_node_alarms_read_container_insights(aws):
    alarms = _alarms(aws)
    for kind, metric in (("cpu", "node_cpu_utilization"), ("memory", "node_memory_utilization")):
        alarm = alarms[f"{NAME}-node-{kind}"]
        assert (alarm["Namespace"], alarm["MetricName"]) == ("ContainerInsights", metric)
        assert alarm["Dimensions"] == [{"Name": "ClusterName", "Value": NAME}]


def test_ops_scoring_failures_are_counted_by_a_metric_filter_on_its_log_group(aws, ops_stack):
    group = ops_stack["prerequisites"]["scoring_log_group"]
    filters = aws("logs").describe_metric_filters(logGroupName=group)["metricFilters"]
    assert len(filters) == 1
    assert 'container_name = "score"' in filters[0]["filterPattern"]
    transformation = filters[0]["metricTransformations"][0]
    metric = ops_stack["alarms"]["scoring_failure_metric"]
    assert (transformation["metricNamespace"], transformation["metricName"]) == (
        metric["namespace"],
        metric["name"],
    )
    alarm = _alarms(aws)[f"{NAME}-scoring-job-failures"]
    assert (alarm["Namespace"], alarm["MetricName"]) == (metric["namespace"], metric["name"])
    assert alarm["Statistic"] == "Sum" and alarm["Threshold"] == 0


def test_ops_dashboard_shows_every_alarm_and_metric(aws, ops_stack):
    name = ops_stack["alarms"]["dashboard_name"]
    body = json.loads(aws("cloudwatch").get_dashboard(DashboardName=name)["DashboardBody"])
    alarm_arns = {a["AlarmArn"] for a in _alarms(aws).values()}
    assert set(body["widgets"][0]["properties"]["alarms"]) == alarm_arns
    graphed = {
        metric[1]
        for widget in body["widgets"][1:]
        for metric in widget["properties"]["metrics"]
        if metric[1] != "."
    }
    assert {"RequestCount", "TargetResponseTime", "UnHealthyHostCount"} <= graphed
    assert {"node_cpu_utilization", "ScoringJobFailures"} <= graphed


def test_ops_sagemaker_serves_the_pinned_image_and_captures_to_the_bucket(aws, ops_stack):
    sm, pre, out = aws("sagemaker"), ops_stack["prerequisites"], ops_stack["sagemaker"]
    endpoint = sm.describe_endpoint(EndpointName=out["endpoint_name"])
    assert endpoint["EndpointStatus"] == "InService"
    assert endpoint["EndpointConfigName"] == out["endpoint_config_name"]
    model = sm.describe_model(ModelName=out["model_name"])
    assert model["PrimaryContainer"]["Image"].startswith(f"{pre['ecr_repository_url']}@sha256:")
    assert model["ExecutionRoleArn"] == out["execution_role_arn"]
    config = sm.describe_endpoint_config(EndpointConfigName=out["endpoint_config_name"])
    assert config["KmsKeyId"] == pre["artifacts_kms_key_arn"]
    assert config["ProductionVariants"][0]["ModelName"] == out["model_name"]
    assert config["ProductionVariants"][0]["InitialInstanceCount"] == 2
    capture = config["DataCaptureConfig"]
    assert capture["EnableCapture"] is True
    assert capture["DestinationS3Uri"] == f"s3://{pre['artifacts_bucket']}/data-capture/sagemaker"
    assert capture["KmsKeyId"] == pre["artifacts_kms_key_arn"]
    assert {o["CaptureMode"] for o in capture["CaptureOptions"]} == {"Input", "Output"}


def test_ops_sagemaker_role_reaches_only_its_repository_prefix_key_and_logs(aws, ops_stack):
    pre, out = ops_stack["prerequisites"], ops_stack["sagemaker"]
    role = out["execution_role_arn"].rsplit("/", 1)[1]
    iam = aws("iam")
    assert iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"] == []
    [policy_name] = iam.list_role_policies(RoleName=role)["PolicyNames"]
    document = iam.get_role_policy(RoleName=role, PolicyName=policy_name)["PolicyDocument"]
    document = json.loads(document) if isinstance(document, str) else document
    resources = {s["Sid"]: s["Resource"] for s in document["Statement"]}
    assert resources["PullImage"] == pre["ecr_repository_arn"]
    assert resources["WriteDataCapture"] == (
        f"arn:aws:s3:::{pre['artifacts_bucket']}/data-capture/sagemaker/*"
    )
    assert resources["EncryptDataCapture"] == pre["artifacts_kms_key_arn"]
    assert resources["WriteLogs"].endswith(f":log-group:{out['log_group_name']}:*")
    group = aws("logs").describe_log_groups(logGroupNamePrefix=out["log_group_name"])
    assert group["logGroups"][0]["kmsKeyId"].startswith("arn:aws:kms:")


def test_ops_sagemaker_scales_on_invocations_per_instance(aws, ops_stack):
    scaling = aws("application-autoscaling")
    resource_id = ops_stack["sagemaker"]["autoscaling_resource_id"]
    [target] = scaling.describe_scalable_targets(
        ServiceNamespace="sagemaker", ResourceIds=[resource_id]
    )["ScalableTargets"]
    assert (target["MinCapacity"], target["MaxCapacity"]) == (2, 3)
    assert target["ScalableDimension"] == "sagemaker:variant:DesiredInstanceCount"
    [policy] = scaling.describe_scaling_policies(
        ServiceNamespace="sagemaker", ResourceId=resource_id
    )["ScalingPolicies"]
    tracking = policy["TargetTrackingScalingPolicyConfiguration"]
    assert tracking["TargetValue"] == 750
    assert (
        tracking["PredefinedMetricSpecification"]["PredefinedMetricType"]
        == "SageMakerVariantInvocationsPerInstance"
    )


def _rest_api_policy(aws, api_id: str) -> dict:
    escaped = aws("apigateway").get_rest_api(restApiId=api_id)["policy"]
    return json.loads(json.loads(f'"{escaped}"'))  # AWS returns it as escaped JSON


def test_ops_api_denies_sources_outside_the_allow_list(aws, ops_stack):
    statements = _rest_api_policy(aws, ops_stack["api"]["rest_api_id"])["Statement"]
    deny = next(s for s in statements if s["Effect"] == "Deny")
    assert deny["Condition"] == {
        "NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24", "198.51.100.7/32"]}
    }
    assert deny["Action"] == "execute-api:Invoke"


def test_ops_api_routes_to_eks_through_the_vpc_link_and_to_sagemaker(aws, ops_stack):
    apigw, api, pre = aws("apigateway"), ops_stack["api"], ops_stack["prerequisites"]
    resources = {r["path"]: r for r in apigw.get_resources(restApiId=api["rest_api_id"])["items"]}
    assert set(resources) == {
        "/",
        "/predict",
        "/predict_batch",
        "/version",
        "/sagemaker",
        "/sagemaker/predict",
    }
    link = apigw.get_vpc_link(vpcLinkId=api["vpc_link_id"])
    assert link["targetArns"] == [pre["eks_backend"]["nlb_arn"]]
    predict = apigw.get_integration(
        restApiId=api["rest_api_id"], resourceId=resources["/predict"]["id"], httpMethod="POST"
    )
    assert (predict["type"], predict["connectionType"]) == ("HTTP_PROXY", "VPC_LINK")
    assert predict["uri"] == f"http://{pre['eks_backend']['nlb_dns_name']}:80/predict"
    method = apigw.get_method(
        restApiId=api["rest_api_id"], resourceId=resources["/predict"]["id"], httpMethod="POST"
    )
    assert method["authorizationType"] == "AWS_IAM"
    sagemaker = apigw.get_integration(
        restApiId=api["rest_api_id"],
        resourceId=resources["/sagemaker/predict"]["id"],
        httpMethod="POST",
    )
    endpoint = ops_stack["sagemaker"]["endpoint_name"]
    assert sagemaker["uri"].endswith(f":runtime.sagemaker:path/endpoints/{endpoint}/invocations")
    assert sagemaker["credentials"].endswith(f"/{NAME}-apigw-sagemaker")


def test_ops_api_stage_throttles_and_logs_to_a_kms_encrypted_group(aws, ops_stack):
    api = ops_stack["api"]
    stage = aws("apigateway").get_stage(restApiId=api["rest_api_id"], stageName="local")
    settings = stage["methodSettings"]["*/*"]
    assert (settings["throttlingRateLimit"], settings["throttlingBurstLimit"]) == (25, 50)
    assert settings["dataTraceEnabled"] is False
    assert stage["tracingEnabled"] is True
    assert stage["accessLogSettings"]["destinationArn"].endswith(
        f":log-group:{api['access_log_group_name']}"
    )
    assert json.loads(stage["accessLogSettings"]["format"])["sourceIp"] == (
        "$context.identity.sourceIp"
    )
    [group] = aws("logs").describe_log_groups(logGroupNamePrefix=api["access_log_group_name"])[
        "logGroups"
    ]
    assert group["kmsKeyId"] == api["kms_key_arn"]


def test_ops_waf_on_the_stage_blocks_all_but_the_allow_list(aws, ops_stack):
    waf, api = aws("wafv2"), ops_stack["api"]
    acl = waf.get_web_acl_for_resource(ResourceArn=api["stage_arn"])["WebACL"]
    assert acl["ARN"] == api["web_acl_arn"]
    assert "Block" in acl["DefaultAction"]
    rules = {r["Name"]: r for r in acl["Rules"]}
    assert rules["rate-limit-per-ip"]["Statement"]["RateBasedStatement"]["AggregateKeyType"] == "IP"
    ip_set_arn = rules["allow-list"]["Statement"]["IPSetReferenceStatement"]["ARN"]
    name, ip_set_id = ip_set_arn.split("/")[-2:]
    ip_set = waf.get_ip_set(Name=name, Scope="REGIONAL", Id=ip_set_id)["IPSet"]
    assert sorted(ip_set["Addresses"]) == ["198.51.100.7/32", "203.0.113.0/24"]
    logging = waf.get_logging_configuration(ResourceArn=acl["ARN"])["LoggingConfiguration"]
    assert logging["LogDestinationConfigs"][0].endswith(f":log-group:aws-waf-logs-{NAME}")


def test_ops_second_plan_changes_only_what_moto_does_not_store(ops_root, tmp_path):
    """A second plan must be empty but for two emulator gaps: moto keeps no VPC link id on an
    integration (so the deployment, whose trigger hashes it, and the stage follow) and no
    network isolation on a model. Anything else would be a perpetual diff of the modules."""
    plan = tmp_path / "second.plan"
    ops_root.terraform("plan", f"-out={plan}")
    shown = json.loads(run_terraform(ROOT, ops_root.env, "show", "-json", str(plan)).stdout)
    changes = {
        c["address"]: c["change"]
        for c in shown["resource_changes"]
        if c["change"]["actions"] not in (["no-op"], ["read"])
    }
    integrations = {
        f'module.api.aws_api_gateway_integration.eks["{r}"]'
        for r in ("predict", "predict_batch", "version")
    }
    model = "module.sagemaker.aws_sagemaker_model.this"
    assert set(changes) == integrations | {
        model,
        "module.api.aws_api_gateway_deployment.this",
        "module.api.aws_api_gateway_stage.this",
    }
    vpc_link = ops_root.outputs["api"]["vpc_link_id"]
    for address in integrations:
        assert (
            changes[address]["before"]["connection_id"],
            changes[address]["after"]["connection_id"],
        ) == ("", vpc_link)
    assert changes[model]["before"]["enable_network_isolation"] is False
    assert changes[model]["after"]["enable_network_isolation"] is True
