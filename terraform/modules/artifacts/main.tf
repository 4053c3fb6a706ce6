data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  tags       = merge(var.tags, { Environment = var.environment })

  # prevent_destroy cannot take a variable, so the bucket exists in one of two
  # otherwise identical forms; everything below addresses whichever was created.
  bucket_id  = one(concat(aws_s3_bucket.this[*].id, aws_s3_bucket.this_unprotected[*].id))
  bucket_arn = one(concat(aws_s3_bucket.this[*].arn, aws_s3_bucket.this_unprotected[*].arn))
}

resource "aws_kms_key" "this" {
  description             = "S3 bucket ${var.bucket_name}"
  deletion_window_in_days = var.kms_deletion_window_in_days
  enable_key_rotation     = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AccountAdministers"
      Effect    = "Allow"
      Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })

  tags = local.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.bucket_name}"
  target_key_id = aws_kms_key.this.key_id
}

resource "aws_s3_bucket" "this" {
  count = var.prevent_destroy ? 1 : 0
  #checkov:skip=CKV_AWS_144:Single-region project; versioning plus prevent_destroy protect the data, cross-region replication is a cost decision left to the operator.
  #checkov:skip=CKV2_AWS_62:No consumer reacts to object events; workflows are triggered by git commits, not by bucket notifications.

  bucket        = var.bucket_name
  force_destroy = false

  tags = local.tags

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_s3_bucket" "this_unprotected" {
  count = var.prevent_destroy ? 0 : 1
  #checkov:skip=CKV_AWS_21:False positive (versioning): checkov's graph only follows the first operand of one(concat(...)); the same resources attach to this form (tests/terraform asserts them with boto3 on the local stack, which uses it).
  #checkov:skip=CKV_AWS_145:False positive (SSE-KMS): checkov's graph only follows the first operand of one(concat(...)); the same resources attach to this form (tests/terraform asserts them with boto3 on the local stack, which uses it).
  #checkov:skip=CKV2_AWS_6:False positive (public access block): checkov's graph only follows the first operand of one(concat(...)); the same resources attach to this form (tests/terraform asserts them with boto3 on the local stack, which uses it).
  #checkov:skip=CKV2_AWS_61:False positive (lifecycle): checkov's graph only follows the first operand of one(concat(...)); the same resources attach to this form (tests/terraform asserts them with boto3 on the local stack, which uses it).
  #checkov:skip=CKV_AWS_18:False positive (access logging): checkov's graph only follows the first operand of one(concat(...)); the same resources attach to this form (tests/terraform asserts them with boto3 on the local stack, which uses it).
  #checkov:skip=CKV_AWS_144:Single-region project; versioning protects the data, cross-region replication is a cost decision left to the operator.
  #checkov:skip=CKV2_AWS_62:No consumer reacts to object events; workflows are triggered by git commits, not by bucket notifications.

  bucket        = var.bucket_name
  force_destroy = var.force_destroy

  tags = local.tags
}

resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = local.bucket_id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket = local.bucket_id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = local.bucket_id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = local.bucket_id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.this.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_logging" "this" {
  bucket = local.bucket_id

  target_bucket = aws_s3_bucket.logs.id
  target_prefix = "s3/${var.bucket_name}/"

  # The log bucket must allow delivery before S3 accepts it as a target.
  depends_on = [aws_s3_bucket_policy.logs]
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  bucket = local.bucket_id

  rule {
    id     = "expire-noncurrent-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_expiration_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}

resource "aws_s3_bucket_policy" "this" {
  bucket = local.bucket_id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = { AWS = "*" }
      Action    = "s3:*"
      Resource  = [local.bucket_arn, "${local.bucket_arn}/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })

  depends_on = [aws_s3_bucket_public_access_block.this]
}

# Access-log target. S3 server access logging only delivers to SSE-S3 buckets.
resource "aws_s3_bucket" "logs" {
  #checkov:skip=CKV_AWS_145:S3 server access logging cannot deliver to SSE-KMS buckets; this bucket uses SSE-S3 (AES256).
  #checkov:skip=CKV_AWS_18:This is the access-log target itself; logging it would log its own log writes.
  #checkov:skip=CKV_AWS_144:Access logs are kept in-region; replication is a cost decision left to the operator.
  #checkov:skip=CKV2_AWS_62:Nothing consumes log-delivery events.
  bucket        = "${var.bucket_name}-access-logs"
  force_destroy = var.force_destroy

  tags = local.tags
}

resource "aws_s3_bucket_ownership_controls" "logs" {
  bucket = aws_s3_bucket.logs.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "logs" {
  bucket = aws_s3_bucket.logs.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "logs" {
  bucket = aws_s3_bucket.logs.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id

  rule {
    id     = "expire-access-logs"
    status = "Enabled"

    filter {}

    expiration {
      days = var.access_log_expiration_days
    }

    noncurrent_version_expiration {
      noncurrent_days = 30
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.logs]
}

resource "aws_s3_bucket_policy" "logs" {
  bucket = aws_s3_bucket.logs.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "S3ServerAccessLogsDelivery"
        Effect    = "Allow"
        Principal = { Service = "logging.s3.amazonaws.com" }
        Action    = "s3:PutObject"
        Resource  = "${aws_s3_bucket.logs.arn}/s3/${var.bucket_name}/*"
        Condition = {
          StringEquals = { "aws:SourceAccount" = local.account_id }
          ArnLike      = { "aws:SourceArn" = "arn:${local.partition}:s3:::${var.bucket_name}" }
        }
      },
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = { AWS = "*" }
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.logs.arn, "${aws_s3_bucket.logs.arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  })

  depends_on = [aws_s3_bucket_public_access_block.logs]
}

# What a workload or CI role needs to read and write artifacts: the bucket and its key, nothing else.
resource "aws_iam_policy" "read_write" {
  name        = "${var.bucket_name}-read-write"
  description = "Read and write objects in ${var.bucket_name}."
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ListBucket"
        Effect   = "Allow"
        Action   = ["s3:ListBucket", "s3:GetBucketLocation"]
        Resource = local.bucket_arn
      },
      {
        Sid      = "ReadWriteObjects"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"]
        Resource = "${local.bucket_arn}/*"
      },
      {
        Sid      = "UseBucketKey"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource = aws_kms_key.this.arn
      },
    ]
  })

  tags = local.tags
}
