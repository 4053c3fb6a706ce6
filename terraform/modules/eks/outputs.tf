output "cluster_name" {
  description = "Name of the EKS cluster."
  value       = aws_eks_cluster.this.name
}

output "cluster_arn" {
  description = "ARN of the EKS cluster."
  value       = aws_eks_cluster.this.arn
}

output "cluster_endpoint" {
  description = "URL of the Kubernetes API server."
  value       = aws_eks_cluster.this.endpoint
}

output "cluster_certificate_authority_data" {
  description = "Base64 CA certificate of the API server (for kubeconfig and the Argo CD cluster secret)."
  value       = aws_eks_cluster.this.certificate_authority[0].data
}

output "cluster_version" {
  description = "Kubernetes version of the control plane."
  value       = aws_eks_cluster.this.version
}

output "kms_key_arn" {
  description = "ARN of the KMS key that encrypts Kubernetes secrets and control-plane logs."
  value       = module.kms_key.key_arn
}

output "oidc_issuer_url" {
  description = "OIDC issuer URL of the cluster."
  value       = local.oidc_issuer
}

output "oidc_provider_arn" {
  description = "ARN of the IAM OIDC provider for IRSA."
  value       = aws_iam_openid_connect_provider.this.arn
}

output "node_group_name" {
  description = "Name of the managed node group."
  value       = aws_eks_node_group.this.node_group_name
}

output "node_role_arn" {
  description = "ARN of the node IAM role."
  value       = aws_iam_role.node.arn
}

output "service_account_role_arns" {
  description = "IRSA role ARNs keyed like service_account_roles (annotate the ServiceAccount with eks.amazonaws.com/role-arn)."
  value       = { for k, r in aws_iam_role.service_account : k => r.arn }
}

output "pod_identity_role_arns" {
  description = "Pod Identity role ARNs keyed like pod_identity_roles."
  value       = { for k, r in aws_iam_role.pod_identity : k => r.arn }
}

output "pod_identity_association_ids" {
  description = "Pod Identity association IDs keyed like pod_identity_roles (empty when create_pod_identity_associations is false)."
  value       = { for k, a in aws_eks_pod_identity_association.this : k => a.association_id }
}

output "access_entries" {
  description = "Access policy of each access entry, keyed like var.access_entries (empty where the API is missing)."
  value       = { for k, a in aws_eks_access_policy_association.this : k => a.policy_arn }
}

output "public_access_cidrs" {
  description = "CIDRs that reach the public API endpoint; empty when the endpoint is private only."
  value       = var.endpoint_public_access ? var.public_access_cidrs : []
}
