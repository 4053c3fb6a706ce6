# Who may call the Kubernetes API: EKS access entries (authentication mode API), one per IAM
# principal with one access policy each, cluster-wide or limited to namespaces. Nobody gets
# in as "the creator" (bootstrap_cluster_creator_admin_permissions = false): the admins are
# named here, so a later apply by another role does not lock them out.
locals {
  access_policy_prefix = "arn:${local.partition}:eks::aws:cluster-access-policy"
  # moto 5.2 has no access-entry API and does not store access_config: same switch as the
  # add-ons (create_pod_identity_associations), off only on the emulator.
  eks_access_api = var.create_pod_identity_associations
}

resource "aws_eks_access_entry" "this" {
  for_each = local.eks_access_api ? var.access_entries : {}

  cluster_name  = aws_eks_cluster.this.name
  principal_arn = each.value.principal_arn
  type          = "STANDARD"

  tags = local.tags
}

resource "aws_eks_access_policy_association" "this" {
  for_each = local.eks_access_api ? var.access_entries : {}

  cluster_name  = aws_eks_cluster.this.name
  principal_arn = aws_eks_access_entry.this[each.key].principal_arn
  policy_arn    = "${local.access_policy_prefix}/${each.value.policy}"

  access_scope {
    type       = length(each.value.namespaces) == 0 ? "cluster" : "namespace"
    namespaces = length(each.value.namespaces) == 0 ? null : each.value.namespaces
  }
}
