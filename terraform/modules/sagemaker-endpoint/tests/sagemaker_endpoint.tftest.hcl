# Model, endpoint configuration, endpoint, autoscaling and the execution role's policy with
# a mocked AWS provider (offline, no credentials).
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
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::111111111111:role/bikeshare-staging-sagemaker" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:us-east-1:111111111111:log-group:/aws/sagemaker/Endpoints/bikeshare-staging" }
  }
  mock_resource "aws_sagemaker_model" {
    defaults = { arn = "arn:aws:sagemaker:us-east-1:111111111111:model/bikeshare-staging-0123456789ab" }
  }
  mock_resource "aws_sagemaker_endpoint_configuration" {
    defaults = { arn = "arn:aws:sagemaker:us-east-1:111111111111:endpoint-config/bikeshare-staging-1" }
  }
  mock_resource "aws_sagemaker_endpoint" {
    defaults = { arn = "arn:aws:sagemaker:us-east-1:111111111111:endpoint/bikeshare-staging" }
  }
  mock_resource "aws_appautoscaling_policy" {
    defaults = { arn = "arn:aws:autoscaling:us-east-1:111111111111:scalingPolicy:00000000-0000-0000-0000-000000000000:resource/sagemaker/endpoint/bikeshare-staging/variant/primary:policyName/x" }
  }
}

variables {
  name                     = "bikeshare-staging"
  environment              = "staging"
  image                    = "111111111111.dkr.ecr.us-east-1.amazonaws.com/bikeshare@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
  model_version            = "v-3f9a1c2"
  ecr_repository_arn       = "arn:aws:ecr:us-east-1:111111111111:repository/bikeshare"
  data_capture_bucket_name = "bikeshare-staging-artifacts-111111111111"
  kms_key_arn              = "arn:aws:kms:us-east-1:111111111111:key/22222222-2222-2222-2222-222222222222"
}

run "model_serves_the_digest_with_network_isolation" {
  command = apply

  assert {
    condition     = aws_sagemaker_model.this.primary_container[0].image == var.image && aws_sagemaker_model.this.enable_network_isolation
    error_message = "The model must run exactly the pinned image, without network access."
  }
  assert {
    condition     = output.model_name == "bikeshare-staging-0123456789ab"
    error_message = "The model is named after the endpoint and the digest, so a new digest makes a new model."
  }
  assert {
    condition     = aws_sagemaker_model.this.tags.ModelVersion == "v-3f9a1c2" && aws_sagemaker_endpoint.this.tags.ModelVersion == "v-3f9a1c2"
    error_message = "The release's model version must be on the model and the endpoint."
  }
}

run "data_capture_goes_to_the_artifacts_bucket_with_kms" {
  command = plan

  assert {
    condition     = aws_sagemaker_endpoint_configuration.this.data_capture_config[0].destination_s3_uri == "s3://bikeshare-staging-artifacts-111111111111/data-capture/sagemaker"
    error_message = "Captured data goes under the prefix in the artifacts bucket."
  }
  assert {
    condition     = aws_sagemaker_endpoint_configuration.this.data_capture_config[0].kms_key_id == var.kms_key_arn && aws_sagemaker_endpoint_configuration.this.kms_key_arn == var.kms_key_arn
    error_message = "Captured data and storage volumes must be encrypted with the given key."
  }
  assert {
    condition     = toset([for o in aws_sagemaker_endpoint_configuration.this.data_capture_config[0].capture_options : o.capture_mode]) == toset(["Input", "Output"])
    error_message = "Both requests and responses must be captured."
  }
  assert {
    condition     = aws_sagemaker_endpoint_configuration.this.production_variants[0].initial_instance_count == 1 && aws_sagemaker_endpoint_configuration.this.production_variants[0].variant_name == "primary"
    error_message = "The variant starts at the autoscaling minimum."
  }
}

run "scales_on_invocations_per_instance" {
  command = apply

  variables {
    autoscaling = { min_instances = 2, max_instances = 6, target_invocations_per_instance = 900 }
  }

  assert {
    condition     = aws_appautoscaling_target.this.resource_id == "endpoint/bikeshare-staging/variant/primary" && aws_appautoscaling_target.this.min_capacity == 2 && aws_appautoscaling_target.this.max_capacity == 6
    error_message = "The production variant scales between min and max instances."
  }
  assert {
    condition     = aws_appautoscaling_policy.this.target_tracking_scaling_policy_configuration[0].predefined_metric_specification[0].predefined_metric_type == "SageMakerVariantInvocationsPerInstance" && aws_appautoscaling_policy.this.target_tracking_scaling_policy_configuration[0].target_value == 900
    error_message = "Target tracking on invocations per instance, at the given target."
  }
}

run "execution_role_is_least_privilege" {
  command = apply

  assert {
    condition = { for s in jsondecode(aws_iam_role_policy.this.policy).Statement : s.Sid => s.Resource } == {
      EcrToken           = "*"
      PullImage          = "arn:aws:ecr:us-east-1:111111111111:repository/bikeshare"
      WriteDataCapture   = "arn:aws:s3:::bikeshare-staging-artifacts-111111111111/data-capture/sagemaker/*"
      EncryptDataCapture = "arn:aws:kms:us-east-1:111111111111:key/22222222-2222-2222-2222-222222222222"
      WriteLogs          = "arn:aws:logs:us-east-1:111111111111:log-group:/aws/sagemaker/Endpoints/bikeshare-staging:*"
    }
    error_message = "Each permission must be confined to its one repository, prefix, key or log group."
  }
  assert {
    condition     = alltrue([for s in jsondecode(aws_iam_role_policy.this.policy).Statement : alltrue([for a in flatten([s.Action]) : !strcontains(a, "*")])])
    error_message = "No wildcard actions."
  }
  assert {
    condition     = jsondecode(aws_iam_role.this.assume_role_policy).Statement[0].Principal == { Service = "sagemaker.amazonaws.com" }
    error_message = "Only SageMaker assumes the execution role."
  }
  assert {
    condition     = aws_cloudwatch_log_group.this.kms_key_id == module.logs_key.key_arn && aws_cloudwatch_log_group.this.name == "/aws/sagemaker/Endpoints/bikeshare-staging"
    error_message = "The endpoint's log group (the name SageMaker writes to) is KMS-encrypted."
  }
}

# The composition reads the image from the environment's release file in git; the same
# expression over the committed files must give an image this module accepts.
run "release_files_give_an_accepted_image" {
  command = plan

  variables {
    image = one([
      for i in yamldecode(file("../../../argocd/bikeshare/overlays/staging/release/kustomization.yaml")).images :
      "${i.newName}@${i.digest}" if i.name == "bikeshare"
    ])
    model_version = yamldecode(file("../../../argocd/bikeshare/overlays/staging/release/kustomization.yaml")).commonAnnotations["bikeshare.acme-mlops.io/model-version"]
  }

  assert {
    condition     = startswith(aws_sagemaker_model.this.primary_container[0].image, "111111111111.dkr.ecr.us-east-1.amazonaws.com/bikeshare@sha256:")
    error_message = "The staging release file must yield its ECR image by digest."
  }
}

run "prod_release_file_gives_an_accepted_image" {
  command = plan

  variables {
    name = "bikeshare-prod"
    image = one([
      for i in yamldecode(file("../../../argocd/bikeshare/overlays/prod/release/kustomization.yaml")).images :
      "${i.newName}@${i.digest}" if i.name == "bikeshare"
    ])
  }

  assert {
    condition     = strcontains(aws_sagemaker_model.this.primary_container[0].image, "@sha256:")
    error_message = "The prod release file must yield an image by digest."
  }
}

run "image_from_another_repository_is_refused" {
  command = plan

  variables {
    image = "111111111111.dkr.ecr.us-east-1.amazonaws.com/other@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
  }

  expect_failures = [aws_sagemaker_model.this]
}

# A tag, a short digest or an uppercase digest is not a pinned image.
run "rejects_image_by_tag" {
  command = plan

  variables {
    image = "111111111111.dkr.ecr.us-east-1.amazonaws.com/bikeshare:v1"
  }

  expect_failures = [var.image]
}

run "rejects_short_digest" {
  command = plan

  variables {
    image = "111111111111.dkr.ecr.us-east-1.amazonaws.com/bikeshare@sha256:0123456789abcdef"
  }

  expect_failures = [var.image]
}

# Each invalid input fails its own validation (terraform test checks every listed one failed).
run "rejects_bad_inputs" {
  command = plan

  variables {
    name                             = "Bikeshare"
    environment                      = "dev"
    model_version                    = "has spaces"
    ecr_repository_arn               = "arn:aws:s3:::bikeshare"
    data_capture_bucket_name         = "Not_A_Bucket"
    data_capture_prefix              = "/data-capture/*"
    data_capture_sampling_percentage = 0
    kms_key_arn                      = "alias/artifacts"
    instance_type                    = "m5.large"
    autoscaling                      = { min_instances = 3, max_instances = 2 }
    log_retention_days               = 10
    kms_deletion_window_in_days      = 3
  }

  expect_failures = [
    var.name, var.environment, var.model_version, var.ecr_repository_arn, var.data_capture_bucket_name,
    var.data_capture_prefix, var.data_capture_sampling_percentage, var.kms_key_arn, var.instance_type,
    var.autoscaling, var.log_retention_days, var.kms_deletion_window_in_days,
  ]
}
