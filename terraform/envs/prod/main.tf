# Prod account: no registry of its own (it pulls from staging's by digest) and no release
# role; deploys only from the GitHub environment "prod" and its protection rules.
locals {
  environment = "prod"
  name        = "${var.project}-${local.environment}"
  tags        = { Project = var.project, Environment = local.environment, ManagedBy = "terraform" }
}

module "network" {
  source = "../../modules/network"

  name        = local.name
  environment = local.environment
  cidr        = var.vpc_cidr
  azs         = ["${var.region}a", "${var.region}b", "${var.region}c"]
  # One NAT gateway per availability zone: an AZ outage must not cut the others off.
  single_nat_gateway = false
  cluster_name       = local.name
}

module "eks" {
  source = "../../modules/eks"

  name        = local.name
  environment = local.environment
  subnet_ids  = module.network.private_subnet_ids
  node_group  = { min_size = 3, desired_size = 3, max_size = 6 }
  service_account_roles = {
    workload = {
      namespace       = var.project
      service_account = var.project
      policy_arns     = { artifacts = module.artifacts.read_write_policy_arn }
    }
  }
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
  create_release_role = false
  deploy_environments = [local.environment]
  state_bucket_arn    = "arn:aws:s3:::${var.state_bucket}"
}
