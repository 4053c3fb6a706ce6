mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_region" {
    defaults = { name = "us-east-1" }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000" }
  }
  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::bikeshare-tfstate-123456789012", id = "bikeshare-tfstate-123456789012" }
  }
}

variables {
  bucket_name = "bikeshare-tfstate-123456789012"
  environment = "staging"
}

run "state_bucket_is_protected_by_default" {
  command = plan

  assert {
    condition     = module.bucket.prevent_destroy
    error_message = "The state bucket must be the prevent_destroy form by default."
  }
}

run "state_bucket_is_versioned_and_locks_natively" {
  command = apply

  # terraform test destroys what it applied: use the disposable form.
  variables {
    prevent_destroy = false
  }
  assert {
    condition     = output.backend_config.bucket == "bikeshare-tfstate-123456789012" && output.backend_config.kms_key_id == output.kms_key_arn
    error_message = "The backend settings must name the state bucket and its key."
  }
  assert {
    condition     = output.backend_config.use_lockfile && output.backend_config.encrypt && output.backend_config.region == "us-east-1"
    error_message = "The backend settings must use native S3 locking and encryption."
  }
  assert {
    condition     = module.bucket.access_log_target_bucket == null
    error_message = "No access logging until a log bucket is given."
  }
}

run "logs_to_a_given_bucket" {
  command = plan

  variables {
    access_log_bucket = "bikeshare-logs"
  }

  assert {
    condition     = module.bucket.access_log_target_bucket == "bikeshare-logs"
    error_message = "access_log_bucket must turn on access logging."
  }
}

# Each invalid input fails its own validation (terraform test checks every listed one failed).
run "rejects_bad_inputs" {
  command = plan

  variables {
    environment = "prod_eu"
    bucket_name = "x"
  }

  expect_failures = [var.environment, var.bucket_name]
}
