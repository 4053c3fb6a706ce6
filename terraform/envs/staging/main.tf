# Staging account: also holds the one ECR registry (prod pulls the same digests from it)
# and the release role that pushes there.
locals {
  environment = "staging"
  name        = "${var.project}-${local.environment}"
  tags        = { Project = var.project, Environment = local.environment, ManagedBy = "terraform" }
}

module "network" {
  source = "../../modules/network"

  name               = local.name
  environment        = local.environment
  cidr               = var.vpc_cidr
  azs                = ["${var.region}a", "${var.region}b"]
  single_nat_gateway = true
  cluster_name       = local.name
}

module "eks" {
  source = "../../modules/eks"

  name        = local.name
  environment = local.environment
  subnet_ids  = module.network.private_subnet_ids
  node_group  = { min_size = 2, desired_size = 2, max_size = 4 }
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

  name             = var.project
  environment      = local.environment
  pull_account_ids = var.prod_account_id == null ? [] : [var.prod_account_id]
}

module "artifacts" {
  source = "../../modules/artifacts"

  bucket_name = "${local.name}-artifacts-${var.account_id}"
  environment = local.environment
}

module "github_oidc" {
  source = "../../modules/github-oidc"

  name_prefix         = local.name
  environment         = local.environment
  repository          = var.github_repository
  deploy_environments = [local.environment]
  ecr_repository_arn  = module.registry.repository_arn
  release_policy_arns = { artifacts = module.artifacts.read_write_policy_arn }
  state_bucket_arn    = "arn:aws:s3:::${var.state_bucket}"
}
