# A regional REST API (v1) in front of the service: EKS through a VPC link to the internal
# NLB, SageMaker through API Gateway's SageMaker runtime integration, Lambda through a proxy
# integration (payload 1.0) on the release's alias. REST rather than HTTP
# API because only REST APIs take a resource policy (the IP allow-list) and a WAF web ACL;
# see README.md. Callers sign requests (AWS_IAM).
data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name
  tags       = merge(var.tags, { Environment = var.environment })

  invoke_accounts = length(var.invoke_account_ids) > 0 ? var.invoke_account_ids : [local.account_id]

  # Only the service's public routes; /metrics, /livez and /readyz stay inside the cluster.
  eks_routes = var.eks_backend == null ? {} : {
    predict       = "POST"
    predict_batch = "POST"
    version       = "GET"
  }
  sagemaker = var.sagemaker_endpoint == null ? {} : { this = var.sagemaker_endpoint }
  lambda    = var.lambda_backend == null ? {} : { this = var.lambda_backend }
}

resource "aws_api_gateway_rest_api" "this" {
  name        = var.name
  description = "bikeshare predictions (${var.environment})"

  endpoint_configuration {
    types = ["REGIONAL"]
  }

  tags = local.tags

  lifecycle {
    create_before_destroy = true

    precondition {
      condition     = var.eks_backend != null || var.sagemaker_endpoint != null || var.lambda_backend != null
      error_message = "Give eks_backend, sagemaker_endpoint or lambda_backend (or several): an API without a backend has nothing to route."
    }
  }
}

# The allow-list: any source outside allowed_cidrs is denied before authorization.
resource "aws_api_gateway_rest_api_policy" "this" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "SignedCallersFromTheseAccounts"
        Effect    = "Allow"
        Principal = { AWS = [for a in local.invoke_accounts : "arn:${local.partition}:iam::${a}:root"] }
        Action    = "execute-api:Invoke"
        Resource  = "${aws_api_gateway_rest_api.this.execution_arn}/*"
      },
      {
        Sid       = "DenyOutsideAllowList"
        Effect    = "Deny"
        Principal = { AWS = "*" }
        Action    = "execute-api:Invoke"
        Resource  = "${aws_api_gateway_rest_api.this.execution_arn}/*"
        Condition = { NotIpAddress = { "aws:SourceIp" = var.allowed_cidrs } }
      },
    ]
  })
}

# Query strings and headers are checked by API Gateway; bodies by the service's own strict
# schemas (published in its OpenAPI document).
resource "aws_api_gateway_request_validator" "this" {
  rest_api_id                 = aws_api_gateway_rest_api.this.id
  name                        = "parameters"
  validate_request_parameters = true
  validate_request_body       = false
}

# --- EKS: /predict, /predict_batch, /version through the VPC link to the internal NLB.
resource "aws_api_gateway_vpc_link" "this" {
  count = var.eks_backend == null ? 0 : 1

  name        = var.name
  target_arns = [var.eks_backend.nlb_arn]

  tags = local.tags
}

resource "aws_api_gateway_resource" "eks" {
  for_each = local.eks_routes

  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_rest_api.this.root_resource_id
  path_part   = each.key
}

resource "aws_api_gateway_method" "eks" {
  for_each = local.eks_routes

  rest_api_id          = aws_api_gateway_rest_api.this.id
  resource_id          = aws_api_gateway_resource.eks[each.key].id
  http_method          = each.value
  authorization        = "AWS_IAM"
  request_validator_id = aws_api_gateway_request_validator.this.id
}

resource "aws_api_gateway_integration" "eks" {
  for_each = local.eks_routes

  rest_api_id             = aws_api_gateway_rest_api.this.id
  resource_id             = aws_api_gateway_resource.eks[each.key].id
  http_method             = aws_api_gateway_method.eks[each.key].http_method
  type                    = "HTTP_PROXY"
  integration_http_method = each.value
  connection_type         = "VPC_LINK"
  connection_id           = aws_api_gateway_vpc_link.this[0].id
  uri                     = "http://${var.eks_backend.nlb_dns_name}:${var.eks_backend.port}/${each.key}"
  timeout_milliseconds    = 29000
}

# --- SageMaker: POST /sagemaker/predict → InvokeEndpoint, with a role that may invoke only
# that endpoint.
resource "aws_iam_role" "sagemaker" {
  for_each = local.sagemaker

  name                 = "${var.name}-apigw-sagemaker"
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

resource "aws_iam_role_policy" "sagemaker" {
  for_each = local.sagemaker

  name = "invoke-${each.value.name}"
  role = aws_iam_role.sagemaker[each.key].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "sagemaker:InvokeEndpoint"
      Resource = each.value.arn
    }]
  })
}

resource "aws_api_gateway_resource" "sagemaker" {
  for_each = local.sagemaker

  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_rest_api.this.root_resource_id
  path_part   = "sagemaker"
}

resource "aws_api_gateway_resource" "sagemaker_predict" {
  for_each = local.sagemaker

  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_resource.sagemaker[each.key].id
  path_part   = "predict"
}

resource "aws_api_gateway_method" "sagemaker" {
  for_each = local.sagemaker

  rest_api_id          = aws_api_gateway_rest_api.this.id
  resource_id          = aws_api_gateway_resource.sagemaker_predict[each.key].id
  http_method          = "POST"
  authorization        = "AWS_IAM"
  request_validator_id = aws_api_gateway_request_validator.this.id
}

resource "aws_api_gateway_integration" "sagemaker" {
  for_each = local.sagemaker

  rest_api_id             = aws_api_gateway_rest_api.this.id
  resource_id             = aws_api_gateway_resource.sagemaker_predict[each.key].id
  http_method             = aws_api_gateway_method.sagemaker[each.key].http_method
  type                    = "AWS"
  integration_http_method = "POST"
  uri                     = "arn:${local.partition}:apigateway:${local.region}:runtime.sagemaker:path/endpoints/${each.value.name}/invocations"
  credentials             = aws_iam_role.sagemaker[each.key].arn
  passthrough_behavior    = "WHEN_NO_MATCH"
  timeout_milliseconds    = 29000
}

# A non-proxy integration needs its responses declared: 200 passes the model's answer
# through, the runtime's 4xx stays 400 (bad input), anything else is 502.
locals {
  sagemaker_responses = var.sagemaker_endpoint == null ? {} : {
    "200" = ""
    "400" = "4\\d{2}"
    "502" = "5\\d{2}"
  }
}

resource "aws_api_gateway_method_response" "sagemaker" {
  for_each = local.sagemaker_responses

  rest_api_id = aws_api_gateway_rest_api.this.id
  resource_id = aws_api_gateway_resource.sagemaker_predict["this"].id
  http_method = aws_api_gateway_method.sagemaker["this"].http_method
  status_code = each.key
}

resource "aws_api_gateway_integration_response" "sagemaker" {
  for_each = local.sagemaker_responses

  rest_api_id       = aws_api_gateway_rest_api.this.id
  resource_id       = aws_api_gateway_resource.sagemaker_predict["this"].id
  http_method       = aws_api_gateway_method.sagemaker["this"].http_method
  status_code       = aws_api_gateway_method_response.sagemaker[each.key].status_code
  selection_pattern = each.value == "" ? null : each.value

  depends_on = [aws_api_gateway_integration.sagemaker]
}
