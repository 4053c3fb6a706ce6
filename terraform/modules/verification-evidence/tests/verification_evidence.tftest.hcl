# The module with a mocked provider: what each role may do, and the inputs it refuses.
mock_provider "aws" {
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::111111111111:role/mock" }
  }
  mock_resource "aws_iam_policy" {
    defaults = { arn = "arn:aws:iam::111111111111:policy/mock" }
  }
}

variables {
  name        = "bikeshare-staging"
  environment = "staging"
  bucket_arn  = "arn:aws:s3:::bikeshare-staging-artifacts-111111111111"
  kms_key_arn = "arn:aws:kms:us-east-1:111111111111:key/00000000-0000-0000-0000-000000000000"
}

run "the_job_writes_its_own_prefix_only" {
  command = apply

  assert {
    condition     = jsondecode(aws_iam_role_policy.writer.policy).Statement[0].Resource == "arn:aws:s3:::bikeshare-staging-artifacts-111111111111/evidence/staging/*"
    error_message = "the writer must put objects under its environment's prefix only"
  }
  assert {
    condition     = jsondecode(aws_iam_role_policy.writer.policy).Statement[0].Action == ["s3:PutObject"]
    error_message = "the writer may only put objects (no read, no delete)"
  }
  assert {
    condition     = jsondecode(aws_iam_role_policy.writer.policy).Statement[1].Condition.StringEquals["kms:ViaService"] == "s3.us-east-1.amazonaws.com"
    error_message = "the key is usable only through S3"
  }
  assert {
    condition     = jsondecode(aws_iam_role.writer.assume_role_policy).Statement[0].Principal.Service == "pods.eks.amazonaws.com"
    error_message = "the writer is assumed through EKS Pod Identity"
  }
  assert {
    condition     = length(aws_eks_pod_identity_association.writer) == 0 && length(aws_iam_role.reader) == 0
    error_message = "no cluster, no subjects: no association and no reader role"
  }
}

run "with_a_cluster_and_the_promote_workflow" {
  command = apply

  variables {
    create_association       = true
    cluster_name             = "bikeshare-staging"
    create_reader_role       = true
    github_oidc_provider_arn = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"
    github_subjects          = ["repo:acme-mlops/bikeshare-gitops:environment:prod"]
  }

  assert {
    condition     = aws_eks_pod_identity_association.writer[0].service_account == "bikeshare-verify" && aws_eks_pod_identity_association.writer[0].namespace == "bikeshare"
    error_message = "the association names the Job's ServiceAccount"
  }
  assert {
    condition     = jsondecode(aws_iam_role.reader[0].assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] == ["repo:acme-mlops/bikeshare-gitops:environment:prod"]
    error_message = "the reader role trusts the exact subjects only"
  }
  assert {
    condition     = jsondecode(aws_iam_policy.reader.policy).Statement[0].Action == ["s3:GetObject"] && jsondecode(aws_iam_policy.reader.policy).Statement[0].Resource == "arn:aws:s3:::bikeshare-staging-artifacts-111111111111/evidence/*"
    error_message = "the reader may only get evidence objects"
  }
  assert {
    condition     = jsondecode(aws_iam_policy.deny_write.policy).Statement[0].Effect == "Deny"
    error_message = "the deny policy denies"
  }
}

run "a_wildcard_subject_is_refused" {
  command = plan

  variables {
    create_reader_role       = true
    github_oidc_provider_arn = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"
    github_subjects          = ["repo:acme-mlops/*"]
  }
  expect_failures = [var.github_subjects]
}

run "a_reader_role_without_a_provider_is_refused" {
  command = plan

  variables {
    create_reader_role = true
  }
  expect_failures = [var.github_oidc_provider_arn]
}

run "a_malformed_bucket_is_refused" {
  command = plan

  variables {
    bucket_arn = "bikeshare-staging-artifacts"
  }
  expect_failures = [var.bucket_arn]
}
