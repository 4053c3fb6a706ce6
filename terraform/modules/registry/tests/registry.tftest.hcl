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
}

variables {
  name        = "bikeshare"
  environment = "staging"
}

run "repository_is_immutable_scanned_and_kms_encrypted" {
  command = plan

  assert {
    condition     = aws_ecr_repository.this.image_tag_mutability == "IMMUTABLE"
    error_message = "Tags must be immutable."
  }
  assert {
    condition     = aws_ecr_repository.this.image_scanning_configuration[0].scan_on_push
    error_message = "Images must be scanned on push."
  }
  assert {
    condition     = aws_ecr_repository.this.encryption_configuration[0].encryption_type == "KMS"
    error_message = "Images must be encrypted with KMS."
  }
  assert {
    condition     = length(jsondecode(module.kms_key.key_policy).Statement) == 1 && module.kms_key.alias_name == null
    error_message = "The registry key has only the account-root statement and no alias (as before modules/kms-key)."
  }
  assert {
    condition     = length(jsondecode(aws_ecr_lifecycle_policy.this.policy).rules) == 2
    error_message = "The lifecycle policy must expire untagged images and cap tagged ones."
  }
  assert {
    condition     = length(aws_ecr_repository_policy.this) == 0
    error_message = "No repository policy without pull_account_ids."
  }
}

run "cross_account_pull_is_read_only" {
  command = plan

  variables {
    pull_account_ids = ["210987654321"]
  }

  assert {
    condition     = alltrue([for a in jsondecode(aws_ecr_repository_policy.this[0].policy).Statement[0].Action : !can(regex("Put|Upload|Delete", a))])
    error_message = "Other accounts may only pull."
  }
}

# Each invalid input fails its own validation (terraform test checks every listed one failed).
run "rejects_bad_inputs" {
  command = plan

  variables {
    environment       = "Dev"
    pull_account_ids  = ["*"]
    max_tagged_images = 3
  }

  expect_failures = [var.environment, var.pull_account_ids, var.max_tagged_images]
}
