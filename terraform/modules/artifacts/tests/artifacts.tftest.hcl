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
    defaults = { arn = "arn:aws:s3:::bikeshare-test-artifacts" }
  }
}

variables {
  bucket_name = "bikeshare-test-artifacts"
  environment = "staging"
}

run "data_bucket_is_protected_by_default" {
  command = plan

  assert {
    condition     = length(aws_s3_bucket.this) == 1 && length(aws_s3_bucket.this_unprotected) == 0
    error_message = "By default the artifacts bucket must be the prevent_destroy form."
  }
  assert {
    condition     = aws_s3_bucket.logs.bucket == "bikeshare-test-artifacts-access-logs"
    error_message = "The access-log bucket is named after the artifacts bucket."
  }
}

run "local_bucket_is_disposable" {
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
    prevent_destroy = false
  }

  assert {
    condition     = one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default[0].sse_algorithm == "aws:kms"
    error_message = "Artifacts must be encrypted with SSE-KMS."
  }
  assert {
    condition     = aws_s3_bucket_versioning.this.versioning_configuration[0].status == "Enabled"
    error_message = "Artifacts must be versioned."
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
      Resource  = ["arn:aws:s3:::bikeshare-test-artifacts", "arn:aws:s3:::bikeshare-test-artifacts/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }
    error_message = "The bucket policy must deny every request without TLS."
  }
  assert {
    condition     = aws_s3_bucket_logging.this.target_bucket == aws_s3_bucket.logs.id && aws_s3_bucket_logging.this.bucket == aws_s3_bucket.this_unprotected[0].id
    error_message = "Access logs must go to the log bucket."
  }
}

# Each invalid input fails its own validation (terraform test checks every listed one failed).
run "rejects_bad_inputs" {
  command = plan

  variables {
    environment                        = "dev"
    bucket_name                        = "Bikeshare_Artifacts"
    noncurrent_version_expiration_days = 1
  }

  expect_failures = [var.environment, var.bucket_name, var.noncurrent_version_expiration_days]
}
