# Operations and the other deployment paths, each behind a variable of its own:
# CloudWatch alarms + dashboard, a SageMaker endpoint and a Lambda function serving the
# release's image, and an API Gateway in front of EKS (VPC link), SageMaker and/or Lambda.

locals {
  sagemaker = contains(var.deployment_targets, "sagemaker")
  lambda    = contains(var.deployment_targets, "lambda")
  # The environment's release, as git pins it (written by `python -m gitops`): deploying and
  # rolling back the SageMaker endpoint and the Lambda function stay commits. Read only where
  # one of them is wanted.
  released     = local.sagemaker || local.lambda
  release_file = coalesce(var.release_file, "${path.module}/../../../argocd/bikeshare/overlays/${var.environment}/release/kustomization.yaml")
  release      = local.released ? yamldecode(file(local.release_file)) : null
  release_image = local.released ? one([
    for image in local.release.images : "${image.newName}@${image.digest}" if image.name == var.project
  ]) : null
  release_model_version = local.released ? local.release.commonAnnotations["bikeshare.acme-mlops.io/model-version"] : null
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
  subscriptions               = var.alarms.subscriptions
  runbook_base_url            = "https://github.com/${var.github_repository}/blob/main/docs/runbooks"
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

module "lambda" {
  source = "../lambda-endpoint"
  count  = local.lambda ? 1 : 0

  permissions_boundary_arn    = local.boundary
  name                        = local.name
  environment                 = var.environment
  image                       = local.release_image
  model_version               = local.release_model_version
  ecr_repository_arn          = local.registry_arn
  reserved_concurrency        = var.lambda.reserved_concurrency
  provisioned_concurrency     = var.lambda.provisioned_concurrency
  memory_mb                   = var.lambda.memory_mb
  alarms                      = var.lambda.alarms
  alarm_topic_arn             = one(module.alarms[*].sns_topic_arn)
  kms_deletion_window_in_days = local.key_days
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
  lambda_backend = local.lambda ? {
    function_name = module.lambda[0].function_name
    alias         = module.lambda[0].alias_name
    invoke_arn    = module.lambda[0].alias_invoke_arn
  } : null
  kms_deletion_window_in_days = local.key_days
  permissions_boundary_arn    = local.boundary
}
