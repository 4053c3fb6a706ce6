# Operations and the other deployment paths, each behind a variable of its own:
# CloudWatch alarms + dashboard, a SageMaker endpoint serving the release's image, and an
# API Gateway in front of EKS (VPC link) and/or SageMaker.

locals {
  sagemaker = contains(var.deployment_targets, "sagemaker")
  # The environment's release, as git pins it (written by `python -m gitops`): deploying and
  # rolling back the SageMaker endpoint stay commits. Read only where SageMaker is wanted.
  release_file = "${path.module}/../../../argocd/bikeshare/overlays/${var.environment}/release/kustomization.yaml"
  release      = local.sagemaker ? yamldecode(file(local.release_file)) : null
  release_image = local.sagemaker ? one([
    for image in local.release.images : "${image.newName}@${image.digest}" if image.name == var.project
  ]) : null
  release_model_version = local.sagemaker ? local.release.commonAnnotations["bikeshare.acme-mlops.io/model-version"] : null
  registry_arn = (
    var.create_registry ? module.registry[0].repository_arn
    : "arn:aws:ecr:${var.region}:${var.registry_account_id}:repository/${var.project}"
  )
}

module "alarms" {
  source = "../cloudwatch-alarms"
  count  = var.alarms == null ? 0 : 1

  name                        = local.name
  environment                 = var.environment
  cluster_name                = local.eks ? module.eks[0].cluster_name : local.name
  scoring_log_group_name      = "/aws/containerinsights/${local.name}/application"
  load_balancer               = var.alarms.load_balancer
  email_subscriptions         = var.alarms.email_subscriptions
  kms_deletion_window_in_days = local.key_days
}

module "sagemaker" {
  source = "../sagemaker-endpoint"
  count  = local.sagemaker ? 1 : 0

  name                        = local.name
  environment                 = var.environment
  image                       = local.release_image
  model_version               = local.release_model_version
  ecr_repository_arn          = local.registry_arn
  data_capture_bucket_name    = module.artifacts.bucket_name
  kms_key_arn                 = module.artifacts.kms_key_arn
  kms_deletion_window_in_days = local.key_days
  permissions_boundary_arn    = local.boundary
}

module "api" {
  source = "../api-gateway"
  count  = var.api_gateway == null ? 0 : 1

  name          = local.name
  environment   = var.environment
  allowed_cidrs = var.api_gateway.allowed_cidrs
  eks_backend   = local.eks ? var.api_gateway.eks_backend : null
  sagemaker_endpoint = local.sagemaker ? {
    name = module.sagemaker[0].endpoint_name
    arn  = module.sagemaker[0].endpoint_arn
  } : null
  kms_deletion_window_in_days = local.key_days
  permissions_boundary_arn    = local.boundary
}
