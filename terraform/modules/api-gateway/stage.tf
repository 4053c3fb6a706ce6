# The stage: a deployment of the routes, stage-wide throttling, JSON access logs and error
# execution logs to KMS-encrypted log groups, X-Ray tracing.
locals {
  access_log_group    = "/aws/apigateway/${var.name}/access"
  execution_log_group = "API-Gateway-Execution-Logs_${aws_api_gateway_rest_api.this.id}/${var.environment}"
  # WAF only delivers to groups whose name starts with aws-waf-logs-.
  waf_log_group  = "aws-waf-logs-${var.name}"
  log_group_arns = [for g in [local.access_log_group, local.execution_log_group, local.waf_log_group] : "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${g}"]

  access_log_format = {
    requestId         = "$context.requestId"
    sourceIp          = "$context.identity.sourceIp"
    caller            = "$context.identity.caller"
    requestTime       = "$context.requestTime"
    httpMethod        = "$context.httpMethod"
    resourcePath      = "$context.resourcePath"
    status            = "$context.status"
    responseLength    = "$context.responseLength"
    responseLatency   = "$context.responseLatency"
    integrationStatus = "$context.integration.status"
    integrationError  = "$context.integration.error"
    wafStatus         = "$context.waf.status"
  }
}

module "logs_key" {
  source = "../kms-key"

  description                = "${var.name} API Gateway access, execution and WAF logs"
  deletion_window_in_days    = var.kms_deletion_window_in_days
  cloudwatch_logs_group_arns = local.log_group_arns
  tags                       = local.tags
}

resource "aws_cloudwatch_log_group" "access" {
  name              = local.access_log_group
  retention_in_days = var.log_retention_days
  kms_key_id        = module.logs_key.key_arn

  tags = local.tags
}

# API Gateway would create this group itself, unencrypted and kept forever.
resource "aws_cloudwatch_log_group" "execution" {
  name              = local.execution_log_group
  retention_in_days = var.log_retention_days
  kms_key_id        = module.logs_key.key_arn

  tags = local.tags
}

# Stage logging goes through one role per account and region (an account setting).
resource "aws_iam_role" "logging" {
  count = var.manage_account_logging_role ? 1 : 0

  name                 = "${var.name}-apigw-logging"
  permissions_boundary = var.permissions_boundary_arn
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "apigateway.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  })

  tags = local.tags
}

resource "aws_iam_role_policy" "logging" {
  count = var.manage_account_logging_role ? 1 : 0

  name = "write-api-logs"
  role = aws_iam_role.logging[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "FindGroups"
        Effect   = "Allow"
        Action   = "logs:DescribeLogGroups"
        Resource = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*"
      },
      {
        Sid      = "WriteApiLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"]
        Resource = [for g in [aws_cloudwatch_log_group.access, aws_cloudwatch_log_group.execution] : "${g.arn}:*"]
      },
    ]
  })
}

resource "aws_api_gateway_account" "this" {
  count = var.manage_account_logging_role ? 1 : 0

  cloudwatch_role_arn = aws_iam_role.logging[0].arn

  depends_on = [aws_iam_role_policy.logging]
}

resource "aws_api_gateway_deployment" "this" {
  rest_api_id = aws_api_gateway_rest_api.this.id

  # A new deployment whenever a route, an integration or the allow-list changes.
  triggers = {
    redeployment = sha1(jsonencode([
      aws_api_gateway_rest_api_policy.this.policy,
      [for r in aws_api_gateway_resource.eks : r.id],
      [for m in aws_api_gateway_method.eks : [m.id, m.authorization]],
      [for i in aws_api_gateway_integration.eks : [i.id, i.uri, i.connection_id]],
      [for r in aws_api_gateway_resource.sagemaker_predict : r.id],
      [for m in aws_api_gateway_method.sagemaker : [m.id, m.authorization]],
      [for i in aws_api_gateway_integration.sagemaker : [i.id, i.uri, i.credentials]],
      [for i in aws_api_gateway_integration_response.sagemaker : [i.id, i.selection_pattern]],
      [for m in aws_api_gateway_method.lambda : [m.id, m.authorization]],
      [for i in aws_api_gateway_integration.lambda : [i.id, i.uri]],
    ]))
  }

  lifecycle {
    create_before_destroy = true
  }

  depends_on = [
    aws_api_gateway_integration.eks,
    aws_api_gateway_integration.sagemaker,
    aws_api_gateway_integration_response.sagemaker,
    aws_api_gateway_integration.lambda,
  ]
}

resource "aws_api_gateway_stage" "this" {
  #checkov:skip=CKV_AWS_120:no response cache: predictions are POSTs of distinct rows, and a cache would keep one caller's answer for another
  #checkov:skip=CKV2_AWS_77:the web ACL has the Log4j rules (KnownBadInputs); AnonymousIpList is left out because it also blocks allow-listed callers on cloud hosts
  #checkov:skip=CKV2_AWS_51:no client certificate: the backends are an internal NLB reached only through the VPC link, and SageMaker through IAM (SigV4)
  rest_api_id          = aws_api_gateway_rest_api.this.id
  deployment_id        = aws_api_gateway_deployment.this.id
  stage_name           = var.environment
  xray_tracing_enabled = true

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access.arn
    format          = jsonencode(local.access_log_format)
  }

  tags = local.tags

  depends_on = [aws_api_gateway_account.this, aws_cloudwatch_log_group.execution]
}

resource "aws_api_gateway_method_settings" "this" {
  #checkov:skip=CKV_AWS_225:no response cache: predictions are POSTs of distinct rows, and a cache would keep one caller's answer for another
  rest_api_id = aws_api_gateway_rest_api.this.id
  stage_name  = aws_api_gateway_stage.this.stage_name
  method_path = "*/*"

  settings {
    throttling_rate_limit  = var.throttling.rate_limit
    throttling_burst_limit = var.throttling.burst_limit
    metrics_enabled        = true
    logging_level          = "ERROR"
    data_trace_enabled     = false # full request logging would copy request bodies into logs
  }
}
