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
    condition     = module.bucket.prevent_destroy
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
    condition     = !module.bucket.prevent_destroy && aws_s3_bucket.logs.force_destroy
    error_message = "prevent_destroy = false must select the disposable form; force_destroy empties the log bucket too."
  }
}

run "bucket_is_encrypted_versioned_private_and_tls_only" {
  command = apply

  # terraform test destroys what it applied: use the disposable form.
  variables {
    prevent_destroy = false
  }

  # The data bucket's own hardening is tested in ../s3-bucket; here what artifacts adds to it.
  assert {
    condition     = module.bucket.access_log_target_bucket == aws_s3_bucket.logs.id
    error_message = "Access logs must go to the log bucket."
  }
  assert {
    condition     = one(aws_s3_bucket_server_side_encryption_configuration.logs.rule).apply_server_side_encryption_by_default[0].sse_algorithm == "AES256"
    error_message = "The log bucket must use SSE-S3 (S3 cannot deliver access logs to SSE-KMS buckets)."
  }
  assert {
    condition = (
      jsondecode(aws_iam_policy.read_write.policy).Statement[0].Resource == "arn:aws:s3:::bikeshare-test-artifacts" &&
      jsondecode(aws_iam_policy.read_write.policy).Statement[2].Resource == module.bucket.kms_key_arn &&
      jsondecode(aws_iam_policy.read_write.policy).Statement[3].Action == ["s3:DeleteObject"] &&
      jsondecode(aws_iam_policy.read_write.policy).Statement[3].Resource == [
        "arn:aws:s3:::bikeshare-test-artifacts/scores/*",
        "arn:aws:s3:::bikeshare-test-artifacts/_tmp/*",
      ]
    )
    error_message = "The read/write policy must name the artifacts bucket and its key only."
  }
}

# Each invalid input fails its own validation (terraform test checks every listed one failed).
run "rejects_bad_inputs" {
  command = plan

  variables {
    environment                        = "Dev"
    bucket_name                        = "Bikeshare_Artifacts"
    noncurrent_version_expiration_days = 1
  }

  expect_failures = [var.environment, var.bucket_name, var.noncurrent_version_expiration_days]
}
