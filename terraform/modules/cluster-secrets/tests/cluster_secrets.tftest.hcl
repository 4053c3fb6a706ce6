# The module with a mocked provider: names under the environment's prefix, the read policy
# scoped to that prefix and to the key through Secrets Manager, and the inputs it refuses.
# tests/terraform/test_cluster_secrets_iam.py applies it on moto with IAM enforced.
mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "111111111111" }
  }
  mock_data "aws_region" {
    defaults = { name = "us-east-1" }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:us-east-1:111111111111:key/00000000-0000-0000-0000-000000000000" }
  }
  mock_resource "aws_iam_policy" {
    defaults = { arn = "arn:aws:iam::111111111111:policy/mock" }
  }
}

variables {
  name        = "bikeshare-staging"
  environment = "staging"
  secrets = {
    argocd-repo-creds = "Argo CD's repository credentials"
    github            = "GitHub credentials of the bikeshare namespace"
  }
}

run "secrets_live_under_the_environments_prefix_encrypted_with_their_key" {
  command = apply

  assert {
    condition     = output.secret_names == { argocd-repo-creds = "bikeshare/staging/argocd-repo-creds", github = "bikeshare/staging/github" }
    error_message = "every secret is named <project>/<environment>/<key>"
  }
  assert {
    condition     = alltrue([for s in aws_secretsmanager_secret.this : s.kms_key_id == module.kms_key.key_arn])
    error_message = "every secret is encrypted with the module's own key"
  }
  assert {
    condition     = module.kms_key.alias_name == "alias/bikeshare-staging-secrets"
    error_message = "the key is named after the environment"
  }
}

run "the_reader_reads_this_prefix_and_decrypts_only_through_secrets_manager" {
  command = apply

  assert {
    condition     = jsondecode(aws_iam_policy.read.policy).Statement[0].Resource == "arn:aws:secretsmanager:us-east-1:111111111111:secret:bikeshare/staging/*"
    error_message = "the read grant covers this environment's prefix only"
  }
  assert {
    condition     = toset(jsondecode(aws_iam_policy.read.policy).Statement[0].Action) == toset(["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"])
    error_message = "read only: no list, no put, no delete"
  }
  assert {
    condition = (jsondecode(aws_iam_policy.read.policy).Statement[1].Action == ["kms:Decrypt"]
      && jsondecode(aws_iam_policy.read.policy).Statement[1].Resource == module.kms_key.key_arn
    && jsondecode(aws_iam_policy.read.policy).Statement[1].Condition.StringEquals["kms:ViaService"] == "secretsmanager.us-east-1.amazonaws.com")
    error_message = "Decrypt on the secrets' key only, only through Secrets Manager"
  }
  assert {
    condition     = length(jsondecode(aws_iam_policy.read.policy).Statement) == 2
    error_message = "nothing else is granted"
  }
}

run "a_key_with_a_slash_is_refused" {
  command = plan

  variables {
    secrets = { "../prod/github" = "escape the prefix" }
  }
  expect_failures = [var.secrets]
}

run "a_short_recovery_window_is_refused" {
  command = plan

  variables {
    recovery_window_in_days = 3
  }
  expect_failures = [var.recovery_window_in_days]
}
