# MLflow on AWS: SageMaker's managed MLflow tracking server (docs/day-one.md says why, and
# what the alternative on EKS would take). Clients (CI, the cluster) authenticate with IAM
# (SigV4, the sagemaker-mlflow plugin): no shared password. The server keeps its tracking and
# registry store itself; the artifacts go to the artifacts bucket under mlflow/ (SSE-KMS).
data "aws_partition" "current" {}

locals {
  partition     = data.aws_partition.current.partition
  tags          = merge(var.tags, { Environment = var.environment })
  bucket_arn    = "arn:${local.partition}:s3:::${var.artifacts_bucket_name}"
  artifacts_uri = "s3://${var.artifacts_bucket_name}/${var.artifacts_prefix}"
}

resource "aws_iam_role" "server" {
  name                 = "${var.name}-mlflow"
  permissions_boundary = var.permissions_boundary_arn
  description          = "SageMaker MLflow tracking server ${var.name}: artifacts under ${local.artifacts_uri}"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "sagemaker.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })

  tags = local.tags
}

# The server reads and writes its artifacts, nothing else in the bucket.
resource "aws_iam_role_policy" "server_artifacts" {
  name = "mlflow-artifacts"
  role = aws_iam_role.server.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ListThePrefix"
        Effect   = "Allow"
        Action   = ["s3:ListBucket", "s3:GetBucketLocation"]
        Resource = local.bucket_arn
        Condition = {
          StringLike = { "s3:prefix" = ["${var.artifacts_prefix}", "${var.artifacts_prefix}/*"] }
        }
      },
      {
        Sid      = "ReadWriteArtifacts"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
        Resource = "${local.bucket_arn}/${var.artifacts_prefix}/*"
      },
      {
        Sid      = "BucketKey"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource = var.artifacts_kms_key_arn
      },
    ]
  })
}

resource "aws_sagemaker_mlflow_tracking_server" "this" {
  tracking_server_name            = var.name
  role_arn                        = aws_iam_role.server.arn
  artifact_store_uri              = local.artifacts_uri
  tracking_server_size            = var.size
  mlflow_version                  = var.mlflow_version
  automatic_model_registration    = false
  weekly_maintenance_window_start = var.weekly_maintenance_window_start

  tags = local.tags
}

# What a client needs (CI's release and retrain roles, the workload): the tracking API of
# this one server (sagemaker-mlflow:*, IAM-authenticated) and a presigned UI link.
resource "aws_iam_policy" "client" {
  name        = "${var.name}-mlflow-client"
  description = "Use the MLflow tracking server ${var.name} (tracking and registry API, UI link)"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "ThisTrackingServer"
      Effect   = "Allow"
      Action   = ["sagemaker-mlflow:*", "sagemaker:CreatePresignedMlflowTrackingServerUrl", "sagemaker:DescribeMlflowTrackingServer"]
      Resource = aws_sagemaker_mlflow_tracking_server.this.arn
    }]
  })

  tags = local.tags
}
