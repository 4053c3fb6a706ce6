# The managed tracking server with a mocked provider (moto has no SageMaker MLflow API).
mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::111111111111:role/bikeshare-staging-mlflow" }
  }
  mock_resource "aws_sagemaker_mlflow_tracking_server" {
    defaults = {
      arn                 = "arn:aws:sagemaker:us-east-1:111111111111:mlflow-tracking-server/bikeshare-staging"
      tracking_server_url = "https://t-example.us-east-1.experiments.sagemaker.aws"
    }
  }
}

variables {
  name                  = "bikeshare-staging"
  environment           = "staging"
  artifacts_bucket_name = "bikeshare-staging-artifacts-111111111111"
  artifacts_kms_key_arn = "arn:aws:kms:us-east-1:111111111111:key/00000000-0000-0000-0000-000000000000"
}

run "artifacts_in_the_bucket_and_clients_use_iam" {
  command = apply

  assert {
    condition     = aws_sagemaker_mlflow_tracking_server.this.artifact_store_uri == "s3://bikeshare-staging-artifacts-111111111111/mlflow"
    error_message = "MLflow's artifacts live in the artifacts bucket under mlflow/."
  }
  assert {
    condition     = jsondecode(aws_iam_role_policy.server_artifacts.policy).Statement[1].Resource == "arn:aws:s3:::bikeshare-staging-artifacts-111111111111/mlflow/*"
    error_message = "The server reads and writes its prefix only."
  }
  assert {
    condition     = jsondecode(aws_iam_policy.client.policy).Statement[0].Resource == output.tracking_server_arn
    error_message = "A client may use this one tracking server (IAM, no shared password)."
  }
  assert {
    condition     = !aws_sagemaker_mlflow_tracking_server.this.automatic_model_registration
    error_message = "Versions are registered by the pipeline only (the champion record pins them)."
  }
}

run "rejects_bad_inputs" {
  command = plan

  variables {
    size             = "Huge"
    artifacts_prefix = "/mlflow/"
  }

  expect_failures = [var.size, var.artifacts_prefix]
}

run "the_server_role_carries_the_deploy_roles_boundary" {
  command = plan

  variables {
    permissions_boundary_arn = "arn:aws:iam::111111111111:policy/bikeshare-staging-boundary"
  }

  assert {
    condition     = aws_iam_role.server.permissions_boundary == "arn:aws:iam::111111111111:policy/bikeshare-staging-boundary"
    error_message = "The server's role is created under the deploy roles' permissions boundary."
  }
}
