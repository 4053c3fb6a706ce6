# Key policy, alias and input validation with a mocked AWS provider (offline, no credentials).
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
    defaults = {
      arn    = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000"
      key_id = "00000000-0000-0000-0000-000000000000"
    }
  }
}

variables {
  description = "bikeshare-test ECR repository"
}

run "account_only_key_rotates_without_alias" {
  command = plan

  assert {
    condition     = aws_kms_key.this.enable_key_rotation && aws_kms_key.this.deletion_window_in_days == 30
    error_message = "The key must rotate and default to a 30-day deletion window."
  }
  assert {
    condition = jsondecode(aws_kms_key.this.policy).Statement == [{
      Sid       = "AccountAdministers"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::123456789012:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
    error_message = "Without log groups the policy must hold exactly the account-root statement."
  }
  assert {
    condition     = length(aws_kms_alias.this) == 0 && output.alias_name == null
    error_message = "No alias unless alias_name is given."
  }
}

run "log_groups_may_encrypt_only_their_own_context" {
  command = apply

  variables {
    alias_name                 = "bikeshare-test-eks"
    deletion_window_in_days    = 7
    cloudwatch_logs_group_arns = ["arn:aws:logs:us-east-1:123456789012:log-group:/aws/eks/bikeshare-test/cluster"]
  }

  assert {
    condition     = length(jsondecode(aws_kms_key.this.policy).Statement) == 2
    error_message = "With log groups the policy must hold the account statement and one CloudWatch Logs statement."
  }
  assert {
    condition     = jsondecode(aws_kms_key.this.policy).Statement[1].Principal == { Service = "logs.us-east-1.amazonaws.com" }
    error_message = "The CloudWatch Logs statement must name the regional logs service principal."
  }
  assert {
    condition = jsondecode(aws_kms_key.this.policy).Statement[1].Condition == {
      ArnLike = { "kms:EncryptionContext:aws:logs:arn" = ["arn:aws:logs:us-east-1:123456789012:log-group:/aws/eks/bikeshare-test/cluster"] }
    }
    error_message = "The logs service must be confined to the listed log groups by encryption context."
  }
  assert {
    condition     = output.alias_name == "alias/bikeshare-test-eks" && aws_kms_alias.this[0].target_key_id == output.key_id
    error_message = "The alias must be alias/<alias_name> and point at the key."
  }
  assert {
    condition     = output.key_arn == "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000"
    error_message = "key_arn must be the key's ARN."
  }
}

# Each invalid input fails its own validation (terraform test checks every listed one failed).
run "rejects_bad_inputs" {
  command = plan

  variables {
    description                = " "
    alias_name                 = "aws/ecr"
    deletion_window_in_days    = 3
    cloudwatch_logs_group_arns = ["arn:aws:logs:us-east-1:123456789012:log-group:*"]
  }

  expect_failures = [var.description, var.alias_name, var.deletion_window_in_days, var.cloudwatch_logs_group_arns]
}
