# The platform of one environment: network, EKS, registry, artifacts bucket and CI roles.
# Each root (envs/local on moto, account/ for real accounts) calls this once; what differs
# between environments is data (tfvars), never code.
locals {
  name      = "${var.project}-${var.environment}"
  azs       = [for s in slice(["a", "b", "c"], 0, var.availability_zone_count) : "${var.region}${s}"]
  eks       = contains(var.deployment_targets, "eks")
  key_days  = var.disposable ? 7 : 30
  registry  = var.create_registry ? module.registry[0].repository_url : "${var.registry_account_id}.dkr.ecr.${var.region}.amazonaws.com/${var.project}"
  artifacts = "${local.name}-artifacts-${var.account_id}"
}

data "aws_caller_identity" "current" {}

module "network" {
  source = "../network"

  name                        = local.name
  environment                 = var.environment
  cidr                        = var.vpc_cidr
  azs                         = local.azs
  single_nat_gateway          = var.single_nat_gateway
  cluster_name                = local.name
  kms_deletion_window_in_days = local.key_days
  permissions_boundary_arn    = local.boundary
}

module "eks" {
  source = "../eks"
  count  = local.eks ? 1 : 0

  name                        = local.name
  environment                 = var.environment
  subnet_ids                  = module.network.private_subnet_ids
  kms_deletion_window_in_days = local.key_days
  node_group                  = var.node_group
  permissions_boundary_arn    = local.boundary
  # The API's public endpoint is off unless the bootstrap needs it (CIDR-limited, access.tf).
  endpoint_public_access = length(var.bootstrap_api_cidrs) > 0
  public_access_cidrs    = var.bootstrap_api_cidrs
  access_entries         = local.access_entries
  # Pod Identity for every component here; none needs IRSA (the cluster's OIDC provider stays
  # for one that would: see modules/eks service_account_roles).
  create_pod_identity_associations = var.create_pod_identity_associations
  pod_identity_roles = merge(
    {
      workload = {
        namespace       = var.project
        service_account = var.project
        # Only the verification Job writes evidence, whatever else the workload may write.
        policy_arns = {
          artifacts          = module.artifacts.read_write_policy_arn
          evidence_no_writes = module.verification_evidence.deny_write_policy_arn
        }
      }
    },
    local.lb_controller ? {
      aws-load-balancer-controller = {
        namespace       = "kube-system"
        service_account = "aws-load-balancer-controller"
        policy_arns     = { controller = aws_iam_policy.load_balancer_controller[0].arn }
      }
    } : {},
    # Kyverno's admission controller reads cosign signatures and attestations from ECR
    # (argocd/policies) with the chart's "amazon" credential helper: ECR read, nothing else.
    var.addons.kyverno ? {
      kyverno = {
        namespace       = "kyverno"
        service_account = "kyverno-admission-controller"
        policy_arns     = { ecr = "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly" }
      }
    } : {},
    # The External Secrets Operator reads this environment's secrets (external_secrets.tf).
    local.external_secrets ? {
      external-secrets = {
        namespace       = "external-secrets"
        service_account = "external-secrets"
        policy_arns     = { secrets = module.cluster_secrets.read_policy_arn }
      }
    } : {},
    # external-dns writes the host's record in its zone (external_dns.tf).
    local.external_dns ? {
      external-dns = {
        namespace       = "external-dns"
        service_account = "external-dns"
        policy_arns     = { route53 = aws_iam_policy.external_dns[0].arn }
      }
    } : {},
  )
}

# The workload role was IRSA's; the same role (same ARN) now trusts Pod Identity.
moved {
  from = module.eks[0].aws_iam_role.service_account["workload"]
  to   = module.eks[0].aws_iam_role.pod_identity["workload"]
}

moved {
  from = module.eks[0].aws_iam_role_policy_attachment.service_account["workload/artifacts"]
  to   = module.eks[0].aws_iam_role_policy_attachment.pod_identity["workload/artifacts"]
}

module "registry" {
  source = "../registry"
  count  = var.create_registry ? 1 : 0

  name                        = var.project
  environment                 = var.environment
  pull_account_ids            = var.registry_pull_account_ids
  force_delete                = var.disposable
  kms_deletion_window_in_days = local.key_days
}

module "artifacts" {
  source = "../artifacts"

  bucket_name                 = local.artifacts
  environment                 = var.environment
  prevent_destroy             = !var.disposable
  force_destroy               = var.disposable
  kms_deletion_window_in_days = local.key_days
}

module "github_oidc" {
  source = "../github-oidc"

  name_prefix         = local.name
  environment         = var.environment
  repository          = var.github_repository
  deploy_environments = coalesce(var.deploy_environments, [var.environment])
  # The release workflow pushes images where the registry is, and nowhere else.
  create_release_role = var.create_registry
  ecr_repository_arn  = var.create_registry ? module.registry[0].repository_arn : null
  release_policy_arns = var.create_registry ? {
    artifacts          = module.artifacts.read_write_policy_arn
    evidence_no_writes = module.verification_evidence.deny_write_policy_arn
  } : {}
  # The intake workflow reads the landing prefix of the same account's artifacts bucket (the
  # registry's: where the release works), under a role of its own.
  create_intake_role = var.create_registry
  intake_bucket_arn  = var.create_registry ? module.artifacts.bucket_arn : null
  intake_kms_key_arn = var.create_registry ? module.artifacts.kms_key_arn : null
  state_bucket_arn   = var.state_bucket == null ? null : "arn:aws:s3:::${var.state_bucket}"
  # One GitHub OIDC provider per account: reuse the one that exists (looked up by URL).
  create_oidc_provider = !var.github_oidc_provider_exists
}

# Every role of the composition carries the deploy roles' permissions boundary.
locals {
  boundary = module.github_oidc.permissions_boundary_arn
}

# CloudWatch alarms, the SageMaker endpoint and the API Gateway: operations.tf.

# The verification Job's own role (Pod Identity: writes evidence/<environment>/ only) and the
# promote workflow's reader role: the promotion gate's store (docs/promotion.md).
module "verification_evidence" {
  source = "../verification-evidence"

  permissions_boundary_arn = local.boundary
  name                     = local.name
  environment              = var.environment
  bucket_arn               = module.artifacts.bucket_arn
  kms_key_arn              = module.artifacts.kms_key_arn
  create_association       = local.eks && var.create_pod_identity_associations
  cluster_name             = local.eks ? module.eks[0].cluster_name : null
  create_reader_role       = length(var.evidence_reader_environments) > 0
  github_oidc_provider_arn = module.github_oidc.oidc_provider_arn
  github_subjects          = [for e in var.evidence_reader_environments : "repo:${var.github_repository}:environment:${e}"]
}
