# A SageMaker real-time endpoint serving the release's image by digest: model, endpoint
# configuration (data capture to the artifacts bucket, KMS), endpoint, and target-tracking
# autoscaling on invocations per instance. Deploying or rolling back is a new digest in
# git: a new model and configuration are made before the old ones go (blue/green on AWS).
data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name
  tags       = merge(var.tags, { Environment = var.environment })

  digest       = regex("@sha256:([0-9a-f]{64})$", var.image)[0]
  variant_name = "primary"
  # The execution role may pull only from ecr_repository_arn, so the image must live there.
  image_repository = regex("^([0-9]{12})\\.dkr\\.ecr\\.([a-z0-9-]+)\\.amazonaws\\.com(?:\\.cn)?/([^@]+)@", var.image)
  repository_arn   = "arn:${local.partition}:ecr:${local.image_repository[1]}:${local.image_repository[0]}:repository/${local.image_repository[2]}"

  data_capture_uri = "s3://${var.data_capture_bucket_name}/${var.data_capture_prefix}"
  bucket_arn       = "arn:${local.partition}:s3:::${var.data_capture_bucket_name}"
  log_group_name   = "/aws/sagemaker/Endpoints/${var.name}"
  log_group_arn    = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.log_group_name}"
}

resource "aws_iam_role" "this" {
  name                 = "${var.name}-sagemaker"
  permissions_boundary = var.permissions_boundary_arn
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "sagemaker.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  })

  tags = local.tags
}

# Least privilege: pull from one repository, write captured data under one prefix with
# one key, write the endpoint's own log group. Nothing else.
resource "aws_iam_role_policy" "this" {
  name = "serve-${var.name}"
  role = aws_iam_role.this.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "EcrToken"
        Effect   = "Allow"
        Action   = "ecr:GetAuthorizationToken"
        Resource = "*" # the action has no resource-level permissions
      },
      {
        Sid      = "PullImage"
        Effect   = "Allow"
        Action   = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"]
        Resource = var.ecr_repository_arn
      },
      {
        Sid      = "WriteDataCapture"
        Effect   = "Allow"
        Action   = "s3:PutObject"
        Resource = "${local.bucket_arn}/${var.data_capture_prefix}/*"
      },
      {
        Sid      = "EncryptDataCapture"
        Effect   = "Allow"
        Action   = ["kms:GenerateDataKey", "kms:Decrypt"]
        Resource = var.kms_key_arn
      },
      {
        Sid      = "WriteLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
        Resource = "${local.log_group_arn}:*"
      },
    ]
  })
}

module "logs_key" {
  source = "../kms-key"

  description                = "${var.name} SageMaker endpoint logs"
  deletion_window_in_days    = var.kms_deletion_window_in_days
  cloudwatch_logs_group_arns = [local.log_group_arn]
  tags                       = local.tags
}

# Made here (not by SageMaker on first write) so it is encrypted and expires.
resource "aws_cloudwatch_log_group" "this" {
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = module.logs_key.key_arn

  tags = local.tags
}

resource "aws_sagemaker_model" "this" {
  # One model per digest: a new release makes a new model before the old one goes.
  name                     = "${var.name}-${substr(local.digest, 0, 12)}"
  execution_role_arn       = aws_iam_role.this.arn
  enable_network_isolation = true # the model is in the image; it calls nothing

  primary_container {
    image = var.image
    mode  = "SingleModel"
  }

  tags = merge(local.tags, { ModelVersion = var.model_version })

  lifecycle {
    create_before_destroy = true

    precondition {
      condition     = local.repository_arn == var.ecr_repository_arn
      error_message = "image must come from ecr_repository_arn (the only repository the execution role may pull from)."
    }
  }

  # The role's permissions must exist before SageMaker pulls the image.
  depends_on = [aws_iam_role_policy.this]
}

resource "aws_sagemaker_endpoint_configuration" "this" {
  name_prefix = "${var.name}-"
  kms_key_arn = var.kms_key_arn

  production_variants {
    variant_name           = local.variant_name
    model_name             = aws_sagemaker_model.this.name
    instance_type          = var.instance_type
    initial_instance_count = var.autoscaling.min_instances
  }

  data_capture_config {
    enable_capture              = true
    initial_sampling_percentage = var.data_capture_sampling_percentage
    destination_s3_uri          = local.data_capture_uri
    kms_key_id                  = var.kms_key_arn

    capture_options {
      capture_mode = "Input"
    }
    capture_options {
      capture_mode = "Output"
    }

    capture_content_type_header {
      json_content_types = ["application/json"]
    }
  }

  tags = merge(local.tags, { ModelVersion = var.model_version })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_sagemaker_endpoint" "this" {
  name                 = var.name
  endpoint_config_name = aws_sagemaker_endpoint_configuration.this.name

  tags = merge(local.tags, { ModelVersion = var.model_version })

  depends_on = [aws_cloudwatch_log_group.this]
}

resource "aws_appautoscaling_target" "this" {
  service_namespace  = "sagemaker"
  resource_id        = "endpoint/${aws_sagemaker_endpoint.this.name}/variant/${local.variant_name}"
  scalable_dimension = "sagemaker:variant:DesiredInstanceCount"
  min_capacity       = var.autoscaling.min_instances
  max_capacity       = var.autoscaling.max_instances
}

resource "aws_appautoscaling_policy" "this" {
  name               = "${var.name}-invocations-per-instance"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this.service_namespace
  resource_id        = aws_appautoscaling_target.this.resource_id
  scalable_dimension = aws_appautoscaling_target.this.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.autoscaling.target_invocations_per_instance
    scale_in_cooldown  = var.autoscaling.scale_in_cooldown_seconds
    scale_out_cooldown = var.autoscaling.scale_out_cooldown_seconds

    predefined_metric_specification {
      predefined_metric_type = "SageMakerVariantInvocationsPerInstance"
    }
  }
}
