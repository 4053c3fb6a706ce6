# The emulated platform: the same modules as staging and prod, sized down and disposable
# (no prevent_destroy, buckets and registry may be destroyed with their content).
data "aws_caller_identity" "current" {}

locals {
  name = "${var.project}-${var.environment}"
  tags = { Project = var.project, Environment = var.environment, ManagedBy = "terraform" }
}

module "network" {
  source = "../../modules/network"

  name                        = local.name
  environment                 = var.environment
  cidr                        = var.vpc_cidr
  azs                         = ["${var.region}a", "${var.region}b"]
  single_nat_gateway          = true
  cluster_name                = local.name
  kms_deletion_window_in_days = 7
}

module "eks" {
  source = "../../modules/eks"

  name                        = local.name
  environment                 = var.environment
  subnet_ids                  = module.network.private_subnet_ids
  kms_deletion_window_in_days = 7
  node_group = {
    instance_types = ["t3.large"]
    min_size       = 1
    desired_size   = 1
    max_size       = 2
  }
  service_account_roles = {
    workload = {
      namespace       = var.project
      service_account = var.project
      policy_arns     = { artifacts = module.artifacts.read_write_policy_arn }
    }
  }
}

module "registry" {
  source = "../../modules/registry"

  name                        = var.project
  environment                 = var.environment
  force_delete                = true
  kms_deletion_window_in_days = 7
}

module "artifacts" {
  source = "../../modules/artifacts"

  bucket_name                 = "${local.name}-artifacts-${data.aws_caller_identity.current.account_id}"
  environment                 = var.environment
  prevent_destroy             = false
  force_destroy               = true
  kms_deletion_window_in_days = 7
}

module "github_oidc" {
  source = "../../modules/github-oidc"

  name_prefix         = local.name
  environment         = var.environment
  repository          = var.github_repository
  deploy_environments = ["staging", "prod"]
  ecr_repository_arn  = module.registry.repository_arn
  release_policy_arns = { artifacts = module.artifacts.read_write_policy_arn }
}
