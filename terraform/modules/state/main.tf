data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  partition = data.aws_partition.current.partition
  tags      = merge(var.tags, { Environment = var.environment })

  # prevent_destroy cannot take a variable: the bucket exists in one of two identical forms.
  bucket_id  = one(concat(aws_s3_bucket.this[*].id, aws_s3_bucket.this_unprotected[*].id))
  bucket_arn = one(concat(aws_s3_bucket.this[*].arn, aws_s3_bucket.this_unprotected[*].arn))
}

resource "aws_kms_key" "this" {
  description             = "Terraform state in ${var.bucket_name}"
  deletion_window_in_days = var.kms_deletion_window_in_days
  enable_key_rotation     = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AccountAdministers"
      Effect    = "Allow"
      Principal = { AWS = "arn:${local.partition}:iam::${data.aws_caller_identity.current.account_id}:root" }
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
  #checkov:skip=CKV_AWS_144:State is small and versioned; cross-region replication is a cost decision left to the operator.
  #checkov:skip=CKV2_AWS_62:Nothing reacts to state-object events.
  #checkov:skip=CKV_AWS_18:Access logging is optional (access_log_bucket): the state bucket is bootstrapped before any log bucket exists.

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
  #checkov:skip=CKV_AWS_144:State is small and versioned; cross-region replication is a cost decision left to the operator.
  #checkov:skip=CKV2_AWS_62:Nothing reacts to state-object events.
  #checkov:skip=CKV_AWS_18:Access logging is optional (access_log_bucket): the state bucket is bootstrapped before any log bucket exists.

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

# Versioning is what makes a bad apply recoverable.
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
  count = var.access_log_bucket == null ? 0 : 1

  bucket        = local.bucket_id
  target_bucket = var.access_log_bucket
  target_prefix = "s3/${var.bucket_name}/"
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  bucket = local.bucket_id

  rule {
    id     = "expire-noncurrent-state"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_expiration_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
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
