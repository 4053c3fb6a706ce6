data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name
  tags       = merge(var.tags, { Environment = var.environment })

  log_group_name = "/aws/eks/${var.name}/cluster"
  oidc_issuer    = aws_eks_cluster.this.identity[0].oidc[0].issuer
  oidc_host_path = replace(local.oidc_issuer, "https://", "")

  node_policies = ["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly"]
  service_account_policies = merge([for role, spec in var.service_account_roles : {
    for key, arn in spec.policy_arns : "${role}/${key}" => { role = role, policy_arn = arn }
  }]...)
  pod_identity_policies = merge([for role, spec in var.pod_identity_roles : {
    for key, arn in spec.policy_arns : "${role}/${key}" => { role = role, policy_arn = arn }
  }]...)
}

# One key for envelope encryption of Kubernetes secrets and for the control-plane logs.
module "kms_key" {
  source = "../kms-key"

  description                = "${var.name} EKS secrets and control-plane logs"
  alias_name                 = "${var.name}-eks"
  deletion_window_in_days    = var.kms_deletion_window_in_days
  cloudwatch_logs_group_arns = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.log_group_name}"]
  tags                       = local.tags
}

# Created before the cluster so that EKS writes into a group with our retention and key.
resource "aws_cloudwatch_log_group" "this" {
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = module.kms_key.key_arn

  tags = local.tags
}

resource "aws_iam_role" "cluster" {
  name                 = "${var.name}-eks-cluster"
  permissions_boundary = var.permissions_boundary_arn
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "eks.amazonaws.com" }
      Action    = ["sts:AssumeRole", "sts:TagSession"]
    }]
  })

  tags = local.tags
}

resource "aws_iam_role_policy_attachment" "cluster" {
  role       = aws_iam_role.cluster.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/AmazonEKSClusterPolicy"
}

# AmazonEKSClusterPolicy has no KMS rights: envelope encryption of secrets needs these on
# the cluster's own key (the key policy delegates to IAM, modules/kms-key).
resource "aws_iam_role_policy" "cluster_encryption" {
  name = "secrets-encryption-key"
  role = aws_iam_role.cluster.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "UseTheSecretsKey"
      Effect   = "Allow"
      Action   = ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"]
      Resource = module.kms_key.key_arn
    }]
  })
}

resource "aws_eks_cluster" "this" {
  name     = var.name
  version  = var.kubernetes_version
  role_arn = aws_iam_role.cluster.arn

  enabled_cluster_log_types = var.cluster_log_types

  vpc_config {
    subnet_ids              = var.subnet_ids
    endpoint_private_access = true
    endpoint_public_access  = var.endpoint_public_access
    public_access_cidrs     = var.endpoint_public_access ? var.public_access_cidrs : null
  }

  # Access entries only (access.tf); no aws-auth ConfigMap, no implicit creator admin.
  dynamic "access_config" {
    for_each = local.eks_access_api ? [1] : []
    content {
      authentication_mode                         = "API"
      bootstrap_cluster_creator_admin_permissions = false
    }
  }

  encryption_config {
    resources = ["secrets"]
    provider {
      key_arn = module.kms_key.key_arn
    }
  }

  tags = local.tags

  depends_on = [aws_iam_role_policy_attachment.cluster, aws_iam_role_policy.cluster_encryption, aws_cloudwatch_log_group.this]
}

resource "aws_iam_role" "node" {
  name                 = "${var.name}-eks-node"
  permissions_boundary = var.permissions_boundary_arn
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ec2.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })

  tags = local.tags
}

resource "aws_iam_role_policy_attachment" "node" {
  for_each = toset(local.node_policies)

  role       = aws_iam_role.node.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/${each.value}"
}

# No remote_access block: nodes are reached through SSM, never SSH. No update_config block
# either: EKS's default (one node unavailable at a time) is what we want.
resource "aws_eks_node_group" "this" {
  #checkov:skip=CKV_AWS_100:No remote_access block is set, so there is no SSH access to restrict.
  cluster_name    = aws_eks_cluster.this.name
  node_group_name = "${var.name}-default"
  node_role_arn   = aws_iam_role.node.arn
  subnet_ids      = var.subnet_ids
  instance_types  = var.node_group.instance_types
  capacity_type   = var.node_group.capacity_type
  ami_type        = "AL2023_x86_64_STANDARD"

  scaling_config {
    min_size     = var.node_group.min_size
    max_size     = var.node_group.max_size
    desired_size = var.node_group.desired_size
  }

  tags = local.tags

  lifecycle {
    # remote_access is immutable on AWS (only set at creation, which this module never does),
    # so ignoring it hides nothing; the emulator reports a default key pair for every group.
    # desired_size belongs to the cluster autoscaler once the group exists.
    ignore_changes = [remote_access, scaling_config[0].desired_size]
  }

  depends_on = [aws_iam_role_policy_attachment.node]
}

# The cluster's OIDC issuer as an IAM identity provider: pods assume roles through it (IRSA).
resource "aws_iam_openid_connect_provider" "this" {
  url             = local.oidc_issuer
  client_id_list  = ["sts.amazonaws.com"]
  thumbprint_list = var.oidc_thumbprints

  tags = local.tags
}

resource "aws_iam_role" "service_account" {
  for_each = var.service_account_roles

  name                 = "${var.name}-${each.key}"
  permissions_boundary = var.permissions_boundary_arn
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = aws_iam_openid_connect_provider.this.arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = {
          "${local.oidc_host_path}:sub" = "system:serviceaccount:${each.value.namespace}:${each.value.service_account}"
          "${local.oidc_host_path}:aud" = "sts.amazonaws.com"
        }
      }
    }]
  })

  tags = local.tags
}

resource "aws_iam_role_policy_attachment" "service_account" {
  for_each = local.service_account_policies

  role       = aws_iam_role.service_account[each.value.role].name
  policy_arn = each.value.policy_arn
}

# EKS Pod Identity (the default for AWS permissions of pods): the agent add-on, one role per
# service account trusting pods.eks.amazonaws.com only for that namespace, service account
# and cluster (session tags EKS sets), and the association that hands it to the pods.
resource "aws_eks_addon" "pod_identity_agent" {
  count = var.create_pod_identity_associations ? 1 : 0

  cluster_name = aws_eks_cluster.this.name
  addon_name   = "eks-pod-identity-agent"

  tags = local.tags
}

# The VPC CNI with its network-policy agent on: without it every NetworkPolicy in argocd/
# is accepted by the API server and enforced by nobody.
resource "aws_eks_addon" "vpc_cni" {
  count = var.create_pod_identity_associations ? 1 : 0

  cluster_name                = aws_eks_cluster.this.name
  addon_name                  = "vpc-cni"
  resolve_conflicts_on_update = "OVERWRITE"
  configuration_values        = jsonencode({ enableNetworkPolicy = "true" })

  tags = local.tags
}

resource "aws_iam_role" "pod_identity" {
  for_each = var.pod_identity_roles

  name                 = "${var.name}-${each.key}"
  permissions_boundary = var.permissions_boundary_arn
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "pods.eks.amazonaws.com" }
      Action    = ["sts:AssumeRole", "sts:TagSession"]
      Condition = {
        StringEquals = {
          "aws:RequestTag/eks-cluster-name"           = var.name
          "aws:RequestTag/kubernetes-namespace"       = each.value.namespace
          "aws:RequestTag/kubernetes-service-account" = each.value.service_account
        }
      }
    }]
  })

  tags = local.tags
}

resource "aws_iam_role_policy_attachment" "pod_identity" {
  for_each = local.pod_identity_policies

  role       = aws_iam_role.pod_identity[each.value.role].name
  policy_arn = each.value.policy_arn
}

resource "aws_eks_pod_identity_association" "this" {
  for_each = var.create_pod_identity_associations ? var.pod_identity_roles : {}

  cluster_name    = aws_eks_cluster.this.name
  namespace       = each.value.namespace
  service_account = each.value.service_account
  role_arn        = aws_iam_role.pod_identity[each.key].arn

  tags = local.tags

  depends_on = [aws_eks_addon.pod_identity_agent]
}
