mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_resource "aws_iam_openid_connect_provider" {
    defaults = { arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/mock" }
  }
}

variables {
  name_prefix         = "bikeshare-staging"
  environment         = "staging"
  repository          = "acme-mlops/bikeshare-gitops"
  deploy_environments = ["staging", "prod"]
  ecr_repository_arn  = "arn:aws:ecr:us-east-1:123456789012:repository/bikeshare"
}

run "each_role_trusts_one_exact_subject" {
  command = apply

  assert {
    condition = output.subjects == {
      plan             = "repo:acme-mlops/bikeshare-gitops:environment:plan"
      release          = "repo:acme-mlops/bikeshare-gitops:ref:refs/heads/main"
      "deploy-staging" = "repo:acme-mlops/bikeshare-gitops:environment:staging"
      "deploy-prod"    = "repo:acme-mlops/bikeshare-gitops:environment:prod"
    }
    error_message = "Roles must trust exactly: plan environment, main branch, one environment per deploy role."
  }
  assert {
    condition = jsondecode(aws_iam_role.deploy["prod"].assume_role_policy).Statement[0].Condition == {
      StringEquals = {
        "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com"
        "token.actions.githubusercontent.com:sub" = "repo:acme-mlops/bikeshare-gitops:environment:prod"
      }
    }
    error_message = "The prod deploy role must compare sub and aud with StringEquals only (no StringLike wildcards)."
  }
  assert {
    condition     = jsondecode(aws_iam_role.plan.assume_role_policy).Statement[0].Principal.Federated == "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
    error_message = "Roles must trust the GitHub OIDC provider."
  }
  assert {
    condition     = aws_iam_openid_connect_provider.this[0].client_id_list == toset(["sts.amazonaws.com"])
    error_message = "The OIDC provider's audience must be STS."
  }
}

run "no_release_role_where_there_is_no_registry" {
  command = plan

  variables {
    create_release_role = false
    ecr_repository_arn  = null
  }

  assert {
    condition     = length(aws_iam_role.release) == 0 && !contains(keys(output.subjects), "release")
    error_message = "create_release_role = false must not create a release role."
  }
}

# No wildcard can widen a trust policy; each invalid input fails its own validation.
run "rejects_wildcards_and_malformed_names" {
  command = plan

  variables {
    environment         = "Dev"
    repository          = "acme-mlops/*"
    deploy_environments = ["*"]
    release_branch      = "release/*"
    plan_environment    = "pl*n"
  }

  expect_failures = [var.environment, var.repository, var.deploy_environments, var.release_branch, var.plan_environment]
}

run "rejects_repository_without_owner_and_release_role_without_registry" {
  command = plan

  variables {
    repository         = "bikeshare-gitops"
    ecr_repository_arn = null
  }

  expect_failures = [var.repository, var.ecr_repository_arn]
}

run "the_plan_role_reads_configuration_not_data" {
  command = plan

  variables {
    state_bucket_arn = "arn:aws:s3:::bikeshare-tfstate"
  }

  assert {
    condition     = jsondecode(aws_iam_role_policy.plan_no_data.policy).Statement[0].NotResource == "arn:aws:s3:::bikeshare-tfstate/*"
    error_message = "The plan role must be denied object contents everywhere but the state bucket."
  }
  assert {
    condition = alltrue([for action in ["secretsmanager:GetSecretValue", "ssm:GetParameter", "ecr:BatchGetImage", "logs:GetLogEvents"] :
    contains(jsondecode(aws_iam_role_policy.plan_no_data.policy).Statement[1].Action, action)])
    error_message = "The plan role must be denied secrets, parameters, image layers and log events."
  }
}
