# One environment in its own AWS account. The same configuration serves every such
# environment; `make tf-plan ENV=<env>` picks the state key and envs/<env>/*.tfvars.
module "platform" {
  source = "../modules/platform"

  environment               = var.environment
  account_id                = var.account_id
  region                    = var.region
  vpc_cidr                  = var.vpc_cidr
  github_repository         = var.github_repository
  registry_pull_account_ids = compact([var.prod_account_id])
  registry_account_id       = var.registry_account_id
  state_bucket              = var.state_bucket
  # platform.auto.tfvars.json (`make configure`): true where the account has GitHub's provider.
  github_oidc_provider_exists = var.github_oidc_provider_exists
  cluster_admin_role_arns     = var.cluster_admin_role_arns
  bootstrap_api_cidrs         = var.bootstrap_api_cidrs
  mlflow_tracking_server      = var.mlflow_tracking_server
  ingress_certificate         = var.ingress_certificate

  deployment_targets      = var.deployment_targets
  availability_zone_count = var.availability_zone_count
  single_nat_gateway      = var.single_nat_gateway
  node_group              = var.node_group
  create_registry         = var.create_registry
  addons                  = var.addons
  alarms                  = var.alarms
  api_gateway             = var.api_gateway
}
