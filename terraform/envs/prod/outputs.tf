output "region" {
  description = "AWS region."
  value       = var.region
}

output "account_id" {
  description = "AWS account ID."
  value       = var.account_id
}

output "vpc_id" {
  description = "ID of the VPC."
  value       = module.network.vpc_id
}

output "cluster_name" {
  description = "Name of the EKS cluster."
  value       = module.eks.cluster_name
}

output "cluster_endpoint" {
  description = "URL of the Kubernetes API server."
  value       = module.eks.cluster_endpoint
}

output "cluster_certificate_authority_data" {
  description = "Base64 CA certificate of the API server."
  value       = module.eks.cluster_certificate_authority_data
}

output "oidc_provider_arn" {
  description = "IAM OIDC provider of the cluster (IRSA)."
  value       = module.eks.oidc_provider_arn
}

output "workload_role_arn" {
  description = "IRSA role of the bikeshare ServiceAccount (annotation eks.amazonaws.com/role-arn)."
  value       = module.eks.service_account_role_arns["workload"]
}

output "ecr_repository_url" {
  description = "ECR repository URL (in the staging account) that prod pulls from."
  value       = var.ecr_repository_url
}

output "artifacts_bucket_name" {
  description = "S3 bucket for models/, data/ and reports/."
  value       = module.artifacts.bucket_name
}

output "access_log_bucket_name" {
  description = "S3 bucket receiving the artifacts bucket's access logs."
  value       = module.artifacts.access_log_bucket_name
}

output "artifacts_kms_key_arn" {
  description = "KMS key of the artifacts bucket (uploads use it by default)."
  value       = module.artifacts.kms_key_arn
}

output "github_plan_role_arn" {
  description = "Role for terraform plan in pull requests (GitHub environment plan)."
  value       = module.github_oidc.plan_role_arn
}

output "github_deploy_role_arns" {
  description = "Deploy roles keyed by GitHub environment."
  value       = module.github_oidc.deploy_role_arns
}

output "github_oidc_subjects" {
  description = "Exact OIDC sub claim each CI role trusts."
  value       = module.github_oidc.subjects
}

output "argocd_cluster_metadata" {
  description = "gitops-bridge: labels and annotations for the Argo CD cluster secret of this cluster."
  value = {
    labels = {
      environment                         = local.environment
      "bikeshare.io/managed-by-terraform" = "true"
    }
    annotations = {
      aws_region                   = var.region
      aws_account_id               = var.account_id
      aws_cluster_name             = module.eks.cluster_name
      aws_vpc_id                   = module.network.vpc_id
      bikeshare_ecr_repository_url = var.ecr_repository_url
      bikeshare_artifacts_bucket   = module.artifacts.bucket_name
      bikeshare_workload_role_arn  = module.eks.service_account_role_arns["workload"]
    }
  }
}
