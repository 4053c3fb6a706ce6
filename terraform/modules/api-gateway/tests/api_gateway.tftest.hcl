# Routes, allow-list (resource policy and WAF), throttling and logs with a mocked AWS
# provider (offline, no credentials).
mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "111111111111" }
  }
  mock_data "aws_region" {
    defaults = { name = "us-east-1" }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:us-east-1:111111111111:key/00000000-0000-0000-0000-000000000000" }
  }
  mock_resource "aws_api_gateway_rest_api" {
    defaults = {
      id               = "a1b2c3d4e5"
      root_resource_id = "r00t000000"
      execution_arn    = "arn:aws:execute-api:us-east-1:111111111111:a1b2c3d4e5"
      arn              = "arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5"
    }
  }
  mock_resource "aws_api_gateway_stage" {
    defaults = {
      arn        = "arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/stages/staging"
      invoke_url = "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/staging"
    }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::111111111111:role/bikeshare-staging-apigw" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:us-east-1:111111111111:log-group:/aws/apigateway/bikeshare-staging/access" }
  }
  mock_resource "aws_wafv2_ip_set" {
    defaults = { arn = "arn:aws:wafv2:us-east-1:111111111111:regional/ipset/bikeshare-staging-allowed/00000000-0000-0000-0000-000000000000" }
  }
  mock_resource "aws_wafv2_web_acl" {
    defaults = { arn = "arn:aws:wafv2:us-east-1:111111111111:regional/webacl/bikeshare-staging/00000000-0000-0000-0000-000000000000" }
  }
}

variables {
  name          = "bikeshare-staging"
  environment   = "staging"
  allowed_cidrs = ["203.0.113.0/24", "198.51.100.7/32"]
  eks_backend = {
    nlb_arn      = "arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/net/bikeshare-internal/0123456789abcdef"
    nlb_dns_name = "bikeshare-internal-0123456789abcdef.elb.us-east-1.amazonaws.com"
  }
  sagemaker_endpoint = {
    name = "bikeshare-staging"
    arn  = "arn:aws:sagemaker:us-east-1:111111111111:endpoint/bikeshare-staging"
  }
}

run "resource_policy_denies_every_source_outside_the_allow_list" {
  command = apply

  assert {
    condition = jsondecode(aws_api_gateway_rest_api_policy.this.policy).Statement[1] == {
      Sid       = "DenyOutsideAllowList"
      Effect    = "Deny"
      Principal = { AWS = "*" }
      Action    = "execute-api:Invoke"
      Resource  = "arn:aws:execute-api:us-east-1:111111111111:a1b2c3d4e5/*"
      Condition = { NotIpAddress = { "aws:SourceIp" = ["203.0.113.0/24", "198.51.100.7/32"] } }
    }
    error_message = "The resource policy must deny every caller outside allowed_cidrs."
  }
  assert {
    condition     = jsondecode(aws_api_gateway_rest_api_policy.this.policy).Statement[0].Principal == { AWS = ["arn:aws:iam::111111111111:root"] }
    error_message = "Without invoke_account_ids only this account's principals are allowed."
  }
  assert {
    condition     = output.routes == ["POST /predict", "POST /predict_batch", "GET /version", "POST /sagemaker/predict"]
    error_message = "EKS serves the service's public routes and SageMaker its own; nothing else (no /metrics)."
  }
  assert {
    condition     = alltrue([for m in merge(aws_api_gateway_method.eks, aws_api_gateway_method.sagemaker) : m.authorization == "AWS_IAM"])
    error_message = "Every method must require SigV4-signed (IAM) callers."
  }
}

run "eks_goes_through_the_vpc_link_to_the_nlb" {
  command = plan

  assert {
    condition     = one(aws_api_gateway_vpc_link.this[0].target_arns) == var.eks_backend.nlb_arn
    error_message = "The VPC link must target the internal NLB."
  }
  assert {
    condition     = alltrue([for k, i in aws_api_gateway_integration.eks : i.connection_type == "VPC_LINK" && i.type == "HTTP_PROXY" && i.uri == "http://${var.eks_backend.nlb_dns_name}:80/${k}"])
    error_message = "Each EKS route proxies through the VPC link to the same path on the NLB."
  }
}

run "sagemaker_integration_invokes_only_its_endpoint" {
  command = apply

  assert {
    condition     = aws_api_gateway_integration.sagemaker["this"].uri == "arn:aws:apigateway:us-east-1:runtime.sagemaker:path/endpoints/bikeshare-staging/invocations" && aws_api_gateway_integration.sagemaker["this"].type == "AWS"
    error_message = "The SageMaker route must call the runtime's InvokeEndpoint for this endpoint."
  }
  assert {
    condition = jsondecode(aws_iam_role_policy.sagemaker["this"].policy).Statement == [{
      Effect   = "Allow"
      Action   = "sagemaker:InvokeEndpoint"
      Resource = "arn:aws:sagemaker:us-east-1:111111111111:endpoint/bikeshare-staging"
    }]
    error_message = "The integration's role may invoke only that endpoint."
  }
  assert {
    condition     = aws_api_gateway_integration_response.sagemaker["502"].selection_pattern == "5\\d{2}" && aws_api_gateway_integration_response.sagemaker["200"].selection_pattern == null
    error_message = "Runtime errors map to 502; the default response is 200."
  }
}

run "stage_throttles_logs_to_kms_and_traces" {
  command = apply

  variables {
    throttling = { rate_limit = 50 }
  }

  assert {
    condition     = aws_api_gateway_method_settings.this.settings[0].throttling_rate_limit == 50 && aws_api_gateway_method_settings.this.settings[0].throttling_burst_limit == 200 && aws_api_gateway_method_settings.this.method_path == "*/*"
    error_message = "Every method is throttled at the given rate (burst default 200)."
  }
  assert {
    condition     = !aws_api_gateway_method_settings.this.settings[0].data_trace_enabled
    error_message = "Full request logging would copy request bodies into the logs."
  }
  assert {
    condition     = aws_api_gateway_stage.this.access_log_settings[0].destination_arn == aws_cloudwatch_log_group.access.arn && aws_cloudwatch_log_group.access.kms_key_id == module.logs_key.key_arn
    error_message = "Access logs go to the KMS-encrypted log group."
  }
  assert {
    condition     = jsondecode(aws_api_gateway_stage.this.access_log_settings[0].format).sourceIp == "$context.identity.sourceIp"
    error_message = "Access logs are JSON and name the caller's source IP."
  }
  assert {
    condition = length(setsubtract([
      "arn:aws:logs:us-east-1:111111111111:log-group:/aws/apigateway/bikeshare-staging/access",
      "arn:aws:logs:us-east-1:111111111111:log-group:API-Gateway-Execution-Logs_a1b2c3d4e5/staging",
      "arn:aws:logs:us-east-1:111111111111:log-group:aws-waf-logs-bikeshare-staging",
    ], jsondecode(module.logs_key.key_policy).Statement[1].Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"])) == 0
    error_message = "The logs key must let CloudWatch Logs encrypt exactly the access, execution and WAF groups."
  }
  assert {
    condition     = aws_api_gateway_stage.this.xray_tracing_enabled && aws_api_gateway_stage.this.stage_name == "staging"
    error_message = "The stage is named after the environment and traced."
  }
}

run "waf_blocks_everything_but_the_allow_list" {
  command = apply

  assert {
    condition     = aws_wafv2_ip_set.this.addresses == toset(var.allowed_cidrs) && length(aws_wafv2_web_acl.this.default_action[0].block) == 1
    error_message = "The WAF blocks by default and its IP set is the allow-list."
  }
  assert {
    condition     = [for r in aws_wafv2_web_acl.this.rule : r.name if r.priority == 3] == ["allow-list"] && aws_wafv2_web_acl_association.this.resource_arn == aws_api_gateway_stage.this.arn
    error_message = "The allow rule comes after the rate limit and bad-input rules, on this stage."
  }
}

run "eks_only" {
  command = plan

  variables {
    sagemaker_endpoint = null
    invoke_account_ids = ["222222222222"]
  }

  assert {
    condition     = length(aws_api_gateway_integration.sagemaker) == 0 && length(aws_iam_role.sagemaker) == 0 && length(aws_api_gateway_integration.eks) == 3
    error_message = "Without a SageMaker endpoint only the EKS routes exist."
  }
  assert {
    condition     = jsondecode(aws_api_gateway_rest_api_policy.this.policy).Statement[0].Principal == { AWS = ["arn:aws:iam::222222222222:root"] }
    error_message = "invoke_account_ids replace this account as allowed callers."
  }
}

run "sagemaker_only" {
  command = plan

  variables {
    eks_backend = null
  }

  assert {
    condition     = length(aws_api_gateway_vpc_link.this) == 0 && length(aws_api_gateway_integration.eks) == 0 && length(aws_api_gateway_integration.sagemaker) == 1
    error_message = "Without an EKS backend there is no VPC link and only the SageMaker route."
  }
}

run "lambda_only_proxies_to_the_release_alias" {
  command = apply

  variables {
    eks_backend        = null
    sagemaker_endpoint = null
    lambda_backend = {
      function_name = "bikeshare-staging"
      alias         = "release-0123456789ab"
      invoke_arn    = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:111111111111:function:bikeshare-staging:release-0123456789ab/invocations"
    }
  }

  assert {
    condition     = aws_api_gateway_resource.lambda_proxy["this"].path_part == "{proxy+}" && aws_api_gateway_method.lambda["this"].http_method == "ANY" && aws_api_gateway_method.lambda["this"].authorization == "AWS_IAM"
    error_message = "ANY /lambda/{proxy+}, signed callers only (the allow-list applies as on every route)."
  }
  assert {
    condition     = aws_api_gateway_integration.lambda["this"].type == "AWS_PROXY" && aws_api_gateway_integration.lambda["this"].uri == var.lambda_backend.invoke_arn
    error_message = "A proxy integration on the release's alias."
  }
  assert {
    condition     = aws_lambda_permission.api["this"].qualifier == "release-0123456789ab" && aws_lambda_permission.api["this"].source_arn == "arn:aws:execute-api:us-east-1:111111111111:a1b2c3d4e5/*/*/lambda/*" && aws_lambda_permission.api["this"].principal == "apigateway.amazonaws.com"
    error_message = "Only this API's /lambda routes may invoke only the release's alias."
  }
  assert {
    condition     = output.routes == ["ANY /lambda/{proxy+}"] && length(aws_api_gateway_vpc_link.this) == 0
    error_message = "Lambda alone: one route, no VPC link."
  }
}

run "refuses_an_api_without_backend" {
  command = plan

  variables {
    eks_backend        = null
    sagemaker_endpoint = null
  }

  expect_failures = [aws_api_gateway_rest_api.this]
}

run "refuses_an_open_allow_list" {
  command = plan

  variables {
    allowed_cidrs = ["0.0.0.0/0"]
  }

  expect_failures = [var.allowed_cidrs]
}

# Each invalid input fails its own validation (terraform test checks every listed one failed).
run "rejects_bad_inputs" {
  command = plan

  variables {
    name               = "Bikeshare"
    environment        = "dev"
    allowed_cidrs      = []
    invoke_account_ids = ["1234"]
    eks_backend = {
      nlb_arn      = "arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/app/bikeshare/0123456789abcdef"
      nlb_dns_name = "internal"
    }
    sagemaker_endpoint           = { name = "bikeshare-staging", arn = "bikeshare-staging" }
    lambda_backend               = { function_name = "bikeshare staging", alias = "live", invoke_arn = "arn:aws:lambda:us-east-1:111111111111:function:bikeshare" }
    throttling                   = { rate_limit = 0 }
    waf_rate_limit_per_5_minutes = 10
    log_retention_days           = 10
    kms_deletion_window_in_days  = 60
  }

  expect_failures = [
    var.name, var.environment, var.allowed_cidrs, var.invoke_account_ids, var.eks_backend,
    var.sagemaker_endpoint, var.lambda_backend, var.throttling, var.waf_rate_limit_per_5_minutes, var.log_retention_days,
    var.kms_deletion_window_in_days,
  ]
}
