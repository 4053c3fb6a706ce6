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
  mock_resource "aws_iam_policy" {
    defaults = { arn = "arn:aws:iam::123456789012:policy/bikeshare-staging-boundary" }
  }
  mock_data "aws_region" {
    defaults = { name = "us-east-1" }
  }
  mock_data "aws_iam_openid_connect_provider" {
    defaults = { arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }
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
    intake_environment  = "int*"
    intake_prefix       = "*"
  }

  expect_failures = [var.environment, var.repository, var.deploy_environments, var.release_branch, var.plan_environment, var.intake_environment, var.intake_prefix]
}

run "rejects_repository_without_owner_and_release_role_without_registry" {
  command = plan

  variables {
    repository         = "bikeshare-gitops"
    ecr_repository_arn = null
  }

  expect_failures = [var.repository, var.ecr_repository_arn]
}

run "no_intake_role_unless_asked" {
  command = plan

  assert {
    condition     = length(aws_iam_role.intake) == 0 && output.intake_role_arn == null && !contains(keys(output.subjects), "intake")
    error_message = "The intake role is made only with create_intake_role = true."
  }
}

run "the_intake_role_needs_its_bucket_and_key" {
  command = plan

  variables {
    create_intake_role = true
    intake_bucket_arn  = "arn:aws:s3:::bikeshare-staging-artifacts-123456789012/landing/*"
  }

  expect_failures = [var.intake_bucket_arn, var.intake_kms_key_arn]
}

run "the_intake_role_reads_the_landing_prefix_and_nothing_else" {
  command = apply

  variables {
    create_intake_role = true
    intake_bucket_arn  = "arn:aws:s3:::bikeshare-staging-artifacts-123456789012"
    intake_kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/0b8e2c1a-1111-2222-3333-444455556666"
  }

  assert {
    condition     = output.subjects.intake == "repo:acme-mlops/bikeshare-gitops:environment:intake"
    error_message = "The intake role must trust exactly the repository's intake environment."
  }
  assert {
    condition = jsondecode(aws_iam_role.intake[0].assume_role_policy).Statement[0].Condition == {
      StringEquals = {
        "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com"
        "token.actions.githubusercontent.com:sub" = "repo:acme-mlops/bikeshare-gitops:environment:intake"
      }
    }
    error_message = "The intake role must compare sub and aud with StringEquals only."
  }
  assert {
    condition     = aws_iam_role.intake[0].permissions_boundary == aws_iam_policy.boundary.arn
    error_message = "The intake role must carry the permissions boundary."
  }
  assert {
    condition = { for s in jsondecode(aws_iam_role_policy.intake[0].policy).Statement : s.Sid => [s.Action, s.Resource] } == {
      ListLanding    = [["s3:ListBucket"], "arn:aws:s3:::bikeshare-staging-artifacts-123456789012"]
      ReadLanding    = [["s3:GetObject"], "arn:aws:s3:::bikeshare-staging-artifacts-123456789012/landing/*"]
      RecordOutcomes = [["s3:PutObject"], "arn:aws:s3:::bikeshare-staging-artifacts-123456789012/landing/_state/*"]
      UseBucketKey   = [["kms:Decrypt", "kms:GenerateDataKey"], "arn:aws:kms:us-east-1:123456789012:key/0b8e2c1a-1111-2222-3333-444455556666"]
    }
    error_message = "The intake role may list and read landing/, write landing/_state/ and use the bucket's key: nothing else."
  }
  assert {
    condition = [for s in jsondecode(aws_iam_role_policy.intake[0].policy).Statement : s.Condition if s.Sid == "ListLanding"] == [
      { StringLike = { "s3:prefix" = ["landing/*"] } }
    ]
    error_message = "The intake role may list only under landing/."
  }
  assert {
    condition = [for s in jsondecode(aws_iam_role_policy.intake[0].policy).Statement : s.Condition if s.Sid == "UseBucketKey"] == [{
      StringEquals = { "kms:ViaService" = "s3.us-east-1.amazonaws.com" }
      StringLike = { "kms:EncryptionContext:aws:s3:arn" = [
        "arn:aws:s3:::bikeshare-staging-artifacts-123456789012",
        "arn:aws:s3:::bikeshare-staging-artifacts-123456789012/landing/*",
      ] }
    }]
    error_message = "The intake role may use the bucket's key through S3, for that bucket only."
  }
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

run "the_plan_role_decrypts_the_state_through_s3_only" {
  command = plan

  variables {
    state_bucket_arn = "arn:aws:s3:::bikeshare-tfstate-123456789012"
  }

  assert {
    condition = one([for s in jsondecode(aws_iam_role_policy.plan_state[0].policy).Statement : s if s.Sid == "DecryptState"]) == {
      Sid      = "DecryptState"
      Effect   = "Allow"
      Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
      Resource = "arn:aws:kms:us-east-1:123456789012:key/*"
      Condition = {
        StringEquals               = { "kms:ViaService" = "s3.us-east-1.amazonaws.com" }
        StringLike                 = { "kms:EncryptionContext:aws:s3:arn" = ["arn:aws:s3:::bikeshare-tfstate-123456789012", "arn:aws:s3:::bikeshare-tfstate-123456789012/*"] }
        "ForAnyValue:StringEquals" = { "kms:ResourceAliases" = "alias/bikeshare-tfstate-123456789012" }
      }
    }
    error_message = "The plan role must decrypt the state's key (named by its alias), through S3, for the state bucket only."
  }
}

run "a_known_state_key_is_named_by_its_arn" {
  command = plan

  variables {
    state_bucket_arn  = "arn:aws:s3:::bikeshare-tfstate-123456789012"
    state_kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/0b8e2c1a-1111-2222-3333-444455556666"
  }

  assert {
    condition     = one([for s in jsondecode(aws_iam_role_policy.plan_state[0].policy).Statement : s.Resource if s.Sid == "DecryptState"]) == "arn:aws:kms:us-east-1:123456789012:key/0b8e2c1a-1111-2222-3333-444455556666"
    error_message = "With state_kms_key_arn the grant names that key."
  }
}

run "an_existing_oidc_provider_is_reused" {
  command = plan

  variables {
    create_oidc_provider = false
  }

  assert {
    condition     = length(aws_iam_openid_connect_provider.this) == 0 && length(data.aws_iam_openid_connect_provider.github) == 1
    error_message = "create_oidc_provider = false must look the provider up, not create a second one."
  }
  assert {
    condition     = output.oidc_provider_arn == "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
    error_message = "The roles must trust the provider that exists."
  }
}

run "every_role_carries_the_boundary_that_stops_widening" {
  command = apply

  assert {
    condition = alltrue(concat(
      [aws_iam_role.plan.permissions_boundary == aws_iam_policy.boundary.arn, aws_iam_role.release[0].permissions_boundary == aws_iam_policy.boundary.arn],
      [for r in aws_iam_role.deploy : r.permissions_boundary == aws_iam_policy.boundary.arn],
    ))
    error_message = "The plan, release and deploy roles must carry the permissions boundary."
  }
  assert {
    condition = one([for s in jsondecode(aws_iam_policy.boundary.policy).Statement : s if s.Sid == "RolesOnlyWithThisBoundary"]).Condition == {
      StringNotEquals = { "iam:PermissionsBoundary" = "arn:aws:iam::123456789012:policy/bikeshare-staging-boundary" }
    }
    error_message = "Roles may only be created or given policies with this same boundary."
  }
  assert {
    condition = one([for s in jsondecode(aws_iam_policy.boundary.policy).Statement : s if s.Sid == "DeployRolesCannotChangeThemselves"]).Resource == [
      "arn:aws:iam::123456789012:role/bikeshare-staging-github-deploy-staging",
      "arn:aws:iam::123456789012:role/bikeshare-staging-github-deploy-prod",
    ]
    error_message = "The deploy roles must be denied changes to themselves."
  }
}
