# The hardened S3 bucket that artifacts/ and state/ share: KMS key, versioning, SSE-KMS,
# public access block, owner-enforced ownership, TLS-only policy, lifecycle, optional
# access logging. What differs between callers is a variable; what they add stays there.
locals {
  # prevent_destroy cannot take a variable, so the bucket exists in one of two
  # otherwise identical forms; everything below addresses whichever was created.
  bucket_id  = one(concat(aws_s3_bucket.this[*].id, aws_s3_bucket.this_unprotected[*].id))
  bucket_arn = one(concat(aws_s3_bucket.this[*].arn, aws_s3_bucket.this_unprotected[*].arn))
}

module "kms_key" {
  source = "../kms-key"

  description             = var.kms_key_description
  alias_name              = var.bucket_name
  deletion_window_in_days = var.kms_deletion_window_in_days
  tags                    = var.tags
}

resource "aws_s3_bucket" "this" {
  count = var.prevent_destroy ? 1 : 0
  #checkov:skip=CKV_AWS_144:Single-region project; versioning plus prevent_destroy protect the data, cross-region replication is a cost decision left to the operator.
  #checkov:skip=CKV2_AWS_62:No consumer reacts to object events; workflows are triggered by git commits, not by bucket notifications.
  #checkov:skip=CKV_AWS_18:Access logging is optional here (access_logging): artifacts always turns it on; the state bucket is bootstrapped before any log bucket exists.
  #checkov:skip=CKV_AWS_21:False positive (versioning): called through three module levels (account/ -> platform -> artifacts -> here), checkov's graph loses the one(concat(...)) edges; tests/s3_bucket.tftest.hcl asserts the attachment.
  #checkov:skip=CKV_AWS_145:False positive (SSE-KMS): called through three module levels, checkov's graph loses the one(concat(...)) edges; tests/s3_bucket.tftest.hcl asserts the attachment.
  #checkov:skip=CKV_AWS_19:False positive (encryption at rest, the older form of CKV_AWS_145): the same lost one(concat(...)) edges, seen once envs/local passes a resource's attribute into the composition; tests/s3_bucket.tftest.hcl asserts the SSE-KMS configuration.
  #checkov:skip=CKV2_AWS_6:False positive (public access block): called through three module levels, checkov's graph loses the one(concat(...)) edges; tests/s3_bucket.tftest.hcl asserts the attachment.
  #checkov:skip=CKV2_AWS_61:False positive (lifecycle): called through three module levels, checkov's graph loses the one(concat(...)) edges; tests/s3_bucket.tftest.hcl asserts the attachment.

  bucket        = var.bucket_name
  force_destroy = false

  tags = var.tags

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
  #checkov:skip=CKV_AWS_18:Access logging is optional here (access_logging): artifacts always turns it on (tests/terraform asserts it with boto3 on the local stack); the state bucket is bootstrapped before any log bucket exists.
  #checkov:skip=CKV_AWS_144:Single-region project; versioning protects the data, cross-region replication is a cost decision left to the operator.
  #checkov:skip=CKV2_AWS_62:No consumer reacts to object events; workflows are triggered by git commits, not by bucket notifications.

  bucket        = var.bucket_name
  force_destroy = var.force_destroy

  tags = var.tags
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

# Versioning is what makes an overwrite (or a bad apply, for state) recoverable.
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
      kms_master_key_id = module.kms_key.key_arn
    }
    bucket_key_enabled = true
  }
}

# The prefix is fixed: the log bucket's delivery policy must name it exactly.
resource "aws_s3_bucket_logging" "this" {
  count = var.access_logging == null ? 0 : 1

  bucket        = local.bucket_id
  target_bucket = var.access_logging.target_bucket
  target_prefix = "s3/${var.bucket_name}/"
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  bucket = local.bucket_id

  rule {
    id     = var.lifecycle_rule_id
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_expiration_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = var.abort_incomplete_multipart_upload_days
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
