# The release's image as a Lambda function behind API Gateway: the function from the image
# pinned by digest in the environment's release file, one alias per release (API Gateway
# invokes the alias), reserved and optional provisioned concurrency, a least-privilege
# execution role, a KMS-encrypted log group with retention, and alarms on errors, throttles
# and p99 duration. Deploying or rolling back is a new digest in git: a new version and a new
# alias are made before the old alias goes.
data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name
  tags       = merge(var.tags, { Environment = var.environment })

  digest = regex("@sha256:([0-9a-f]{64})$", var.image)[0]
  # Lambda pulls only from ECR in the function's region; the repository must be the one given.
  image_repository = regex("^([0-9]{12})\\.dkr\\.ecr\\.([a-z0-9-]+)\\.amazonaws\\.com(?:\\.cn)?/([^@]+)@", var.image)
  repository_arn   = "arn:${local.partition}:ecr:${local.image_repository[1]}:${local.image_repository[0]}:repository/${local.image_repository[2]}"

  # One alias per release: named after the digest, so a new release is a new alias.
  alias_name     = "release-${substr(local.digest, 0, 12)}"
  log_group_name = "/aws/lambda/${var.name}"
  log_group_arn  = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.log_group_name}"

  # The image's own entry point serves with BentoML; Lambda starts the runtime interface
  # client on the handler instead (bento/lambda_handler.py), in the bento's source folder.
  entry_point       = ["python", "-m", "awslambdaric"]
  command           = ["bento.lambda_handler.handler"]
  working_directory = "/home/bentoml/bento/src"

  alarm_actions = var.alarm_topic_arn == null ? [] : [var.alarm_topic_arn]
  alarm_dimensions = {
    FunctionName = aws_lambda_function.this.function_name
    Resource     = "${aws_lambda_function.this.function_name}:${aws_lambda_alias.this.name}"
  }
}

# The release file must name a digest the registry has: the plan stops here otherwise, before
# anything changes. An error naming this data source ("couldn't find resource",
# ImageNotFoundException) means: push that image first (the release workflow, `make push`),
# or fix the environment's release file in git.
data "aws_ecr_image" "release" {
  count = var.check_image_in_registry ? 1 : 0

  registry_id     = local.image_repository[0]
  repository_name = local.image_repository[2]
  image_digest    = "sha256:${local.digest}"
}

resource "aws_iam_role" "this" {
  name                 = "${var.name}-lambda"
  permissions_boundary = var.permissions_boundary_arn
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  })

  tags = local.tags
}

# Least privilege: write the function's own log group, send traces, decrypt its environment.
# The image is pulled by the Lambda service under the repository's policy, not by this role.
resource "aws_iam_role_policy" "this" {
  name = "run-${var.name}"
  role = aws_iam_role.this.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "WriteLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "${local.log_group_arn}:*"
      },
      {
        Sid      = "Traces"
        Effect   = "Allow"
        Action   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
        Resource = "*" # X-Ray's write actions have no resource-level permissions
      },
      {
        Sid      = "DecryptEnvironment"
        Effect   = "Allow"
        Action   = "kms:Decrypt"
        Resource = module.key.key_arn
      },
    ]
  })
}

# One key for the log group and the function's environment variables.
module "key" {
  source = "../kms-key"

  description                = "${var.name} Lambda logs and environment"
  deletion_window_in_days    = var.kms_deletion_window_in_days
  cloudwatch_logs_group_arns = [local.log_group_arn]
  tags                       = local.tags
}

# Made here (not by Lambda on first write) so it is encrypted and expires.
resource "aws_cloudwatch_log_group" "this" {
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = module.key.key_arn

  tags = local.tags
}

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_116:no dead-letter queue: API Gateway invokes synchronously and the caller gets the error; a DLQ only receives failed asynchronous events
  #checkov:skip=CKV_AWS_117:not in a VPC: the function calls nothing (the model is in the image); a VPC would add network interfaces and nothing to protect
  #checkov:skip=CKV_AWS_272:code signing applies to .zip packages only; the image is pinned by digest and signed in the release (image/sign.sh)
  function_name                  = var.name
  description                    = "bikeshare predictions (${var.environment}), model ${var.model_version}"
  role                           = aws_iam_role.this.arn
  package_type                   = "Image"
  image_uri                      = var.image
  architectures                  = ["x86_64"]
  memory_size                    = var.memory_mb
  timeout                        = var.timeout_seconds
  reserved_concurrent_executions = var.reserved_concurrency
  kms_key_arn                    = module.key.key_arn
  publish                        = true # a version per release: the alias points at it

  image_config {
    entry_point       = local.entry_point
    command           = local.command
    working_directory = local.working_directory
  }

  environment {
    variables = {
      # Lambda's file system is read-only but for /tmp.
      BENTOML_HOME         = "/tmp/bentoml"
      BENTOML_DO_NOT_TRACK = "true"
      BIKESHARE_RELEASE    = local.alias_name
    }
  }

  tracing_config {
    mode = "Active"
  }

  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.this.name
  }

  tags = merge(local.tags, { ModelVersion = var.model_version })

  lifecycle {
    precondition {
      condition     = local.repository_arn == var.ecr_repository_arn
      error_message = "image must come from ecr_repository_arn (the repository the release pushes to)."
    }
  }

  depends_on = [aws_iam_role_policy.this]
}

resource "aws_lambda_alias" "this" {
  name             = local.alias_name
  description      = "release ${var.model_version} (${var.image})"
  function_name    = aws_lambda_function.this.function_name
  function_version = aws_lambda_function.this.version

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_lambda_provisioned_concurrency_config" "this" {
  count = var.provisioned_concurrency > 0 ? 1 : 0

  function_name                     = aws_lambda_function.this.function_name
  qualifier                         = aws_lambda_alias.this.name
  provisioned_concurrent_executions = var.provisioned_concurrency
}

resource "aws_cloudwatch_metric_alarm" "errors" {
  alarm_name          = "${var.name}-lambda-errors"
  alarm_description   = "The function failed more than ${var.alarms.errors} invocations a period (unhandled errors and 500 answers). Runbook: ${var.runbook_base_url}/lambda-errors.md"
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = local.alarm_dimensions
  statistic           = "Sum"
  period              = var.alarms.period_seconds
  evaluation_periods  = var.alarms.evaluation_periods
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.alarms.errors
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  tags = local.tags
}

resource "aws_cloudwatch_metric_alarm" "throttles" {
  alarm_name          = "${var.name}-lambda-throttles"
  alarm_description   = "Invocations were refused for want of concurrency (more than ${var.alarms.throttles} a period; reserved ${var.reserved_concurrency}). Runbook: ${var.runbook_base_url}/lambda-throttles.md"
  namespace           = "AWS/Lambda"
  metric_name         = "Throttles"
  dimensions          = local.alarm_dimensions
  statistic           = "Sum"
  period              = var.alarms.period_seconds
  evaluation_periods  = var.alarms.evaluation_periods
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.alarms.throttles
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  tags = local.tags
}

resource "aws_cloudwatch_metric_alarm" "p99_duration" {
  alarm_name          = "${var.name}-lambda-p99-duration"
  alarm_description   = "p99 invocation duration over ${var.alarms.p99_duration_ms} ms (cold starts included). Runbook: ${var.runbook_base_url}/lambda-p99-duration.md"
  namespace           = "AWS/Lambda"
  metric_name         = "Duration"
  dimensions          = local.alarm_dimensions
  extended_statistic  = "p99"
  period              = var.alarms.period_seconds
  evaluation_periods  = var.alarms.evaluation_periods
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.alarms.p99_duration_ms
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  tags = local.tags
}
