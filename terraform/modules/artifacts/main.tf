data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  tags       = merge(var.tags, { Environment = var.environment })
}

# The data bucket: hardening shared with the state bucket (see ../s3-bucket).
module "bucket" {
  source = "../s3-bucket"

  bucket_name                        = var.bucket_name
  kms_key_description                = "S3 bucket ${var.bucket_name}"
  kms_deletion_window_in_days        = var.kms_deletion_window_in_days
  prevent_destroy                    = var.prevent_destroy
  force_destroy                      = var.force_destroy
  lifecycle_rule_id                  = "expire-noncurrent-versions"
  noncurrent_version_expiration_days = var.noncurrent_version_expiration_days
  # Through the policy's bucket: the log bucket must allow delivery before S3 accepts it as a target.
  access_logging = { target_bucket = aws_s3_bucket_policy.logs.bucket }

  tags = local.tags
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
        Resource = module.bucket.bucket_arn
      },
      {
        Sid      = "ReadWriteObjects"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"]
        Resource = "${module.bucket.bucket_arn}/*"
      },
      {
        Sid      = "UseBucketKey"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource = module.bucket.kms_key_arn
      },
      {
        # Batch scoring publishes atomically: it stages under _tmp/ and replaces a period's
        # outputs under scores/. On a versioned bucket a delete only adds a delete marker.
        Sid      = "ReplaceBatchOutputs"
        Effect   = "Allow"
        Action   = ["s3:DeleteObject"]
        Resource = ["${module.bucket.bucket_arn}/scores/*", "${module.bucket.bucket_arn}/_tmp/*"]
      },
    ]
  })

  tags = local.tags
}
