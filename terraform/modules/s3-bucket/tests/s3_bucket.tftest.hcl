mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000" }
  }
  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::bikeshare-test-bucket", id = "bikeshare-test-bucket" }
  }
}

variables {
  bucket_name                        = "bikeshare-test-bucket"
  kms_key_description                = "S3 bucket bikeshare-test-bucket"
  lifecycle_rule_id                  = "expire-noncurrent-versions"
  noncurrent_version_expiration_days = 90
}

run "bucket_is_protected_by_default" {
  command = plan

  assert {
    condition     = length(aws_s3_bucket.this) == 1 && length(aws_s3_bucket.this_unprotected) == 0 && output.prevent_destroy
    error_message = "By default the bucket must be the prevent_destroy form."
  }
  assert {
    condition     = length(aws_s3_bucket_logging.this) == 0
    error_message = "No access logging unless access_logging is given."
  }
}

run "disposable_form" {
  command = plan

  variables {
    prevent_destroy = false
    force_destroy   = true
  }

  assert {
    condition     = length(aws_s3_bucket.this) == 0 && aws_s3_bucket.this_unprotected[0].force_destroy
    error_message = "prevent_destroy = false must select the disposable form."
  }
}

run "bucket_is_encrypted_versioned_private_and_tls_only" {
  command = apply

  # terraform test destroys what it applied: use the disposable form.
  variables {
    prevent_destroy                        = false
    access_logging                         = { target_bucket = "bikeshare-logs" }
    abort_incomplete_multipart_upload_days = 1
  }

  assert {
    condition     = one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default[0].sse_algorithm == "aws:kms"
    error_message = "The bucket must be encrypted with SSE-KMS."
  }
  assert {
    condition     = one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default[0].kms_master_key_id == output.kms_key_arn && module.kms_key.alias_name == "alias/bikeshare-test-bucket"
    error_message = "The bucket must be encrypted with its own key, aliased alias/<bucket_name>."
  }
  assert {
    condition     = aws_s3_bucket_versioning.this.versioning_configuration[0].status == "Enabled"
    error_message = "The bucket must be versioned."
  }
  assert {
    condition = alltrue([
      aws_s3_bucket_public_access_block.this.block_public_acls, aws_s3_bucket_public_access_block.this.block_public_policy,
      aws_s3_bucket_public_access_block.this.ignore_public_acls, aws_s3_bucket_public_access_block.this.restrict_public_buckets,
    ])
    error_message = "All four public access blocks must be on."
  }
  assert {
    condition = jsondecode(aws_s3_bucket_policy.this.policy).Statement[0] == {
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = { AWS = "*" }
      Action    = "s3:*"
      Resource  = ["arn:aws:s3:::bikeshare-test-bucket", "arn:aws:s3:::bikeshare-test-bucket/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }
    error_message = "The bucket policy must deny every request without TLS."
  }
  assert {
    condition     = aws_s3_bucket_logging.this[0].target_bucket == "bikeshare-logs" && aws_s3_bucket_logging.this[0].target_prefix == "s3/bikeshare-test-bucket/" && aws_s3_bucket_logging.this[0].bucket == aws_s3_bucket.this_unprotected[0].id
    error_message = "access_logging must send the bucket's logs under s3/<bucket_name>/."
  }
  assert {
    condition = (
      one(aws_s3_bucket_lifecycle_configuration.this.rule).id == "expire-noncurrent-versions" &&
      one(aws_s3_bucket_lifecycle_configuration.this.rule).noncurrent_version_expiration[0].noncurrent_days == 90 &&
      one(aws_s3_bucket_lifecycle_configuration.this.rule).abort_incomplete_multipart_upload[0].days_after_initiation == 1
    )
    error_message = "The lifecycle rule must take its id and day counts from the inputs."
  }
}

# Each invalid input fails its own validation (terraform test checks every listed one failed).
run "rejects_bad_inputs" {
  command = plan

  variables {
    bucket_name                            = "Bikeshare_Bucket"
    lifecycle_rule_id                      = "Expire Everything"
    noncurrent_version_expiration_days     = 1
    abort_incomplete_multipart_upload_days = 0
    kms_deletion_window_in_days            = 3
  }

  expect_failures = [
    var.bucket_name, var.lifecycle_rule_id, var.noncurrent_version_expiration_days,
    var.abort_incomplete_multipart_upload_days, var.kms_deletion_window_in_days,
  ]
}
