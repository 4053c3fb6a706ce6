output "environment" {
  description = "Environment name."
  value       = var.environment
}

output "region" {
  description = "AWS region."
  value       = var.region
}

output "account_id" {
  description = "AWS account ID (checked against the credentials' account)."
  value       = var.account_id

  precondition {
    condition     = data.aws_caller_identity.current.account_id == var.account_id
    error_message = "account_id does not match the account of the credentials in use: fix platform.auto.tfvars.json or the credentials."
  }
}

output "vpc_id" {
  description = "ID of the VPC."
  value       = module.network.vpc_id
}

output "vpc_cidr" {
  description = "CIDR block of the VPC."
  value       = module.network.vpc_cidr
}

output "cluster_name" {
  description = "Name of the EKS cluster (null without the eks target)."
  value       = one(module.eks[*].cluster_name)
}

output "cluster_endpoint" {
  description = "URL of the Kubernetes API server (null without the eks target)."
  value       = one(module.eks[*].cluster_endpoint)
}

output "cluster_certificate_authority_data" {
  description = "Base64 CA certificate of the API server (null without the eks target)."
  value       = one(module.eks[*].cluster_certificate_authority_data)
}

output "oidc_provider_arn" {
  description = "IAM OIDC provider of the cluster, for the components that need IRSA (null without the eks target)."
  value       = one(module.eks[*].oidc_provider_arn)
}

output "workload_role_arn" {
  description = "Pod Identity role of the bikeshare ServiceAccount (null without the eks target)."
  value       = one(module.eks[*].pod_identity_role_arns["workload"])
}

output "ecr_repository_url" {
  description = "ECR repository URL: this account's, or the one in registry_account_id that this environment pulls from."
  value       = local.registry
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

output "github_release_role_arn" {
  description = "Role for the release workflow on main (push image, write artifacts); null where there is no registry."
  value       = module.github_oidc.release_role_arn
}

output "github_intake_role_arn" {
  description = "Role for the intake workflow (environment intake: reads the artifacts bucket's landing/, records outcomes in landing/_state/); null where there is no registry."
  value       = module.github_oidc.intake_role_arn
}

output "github_deploy_role_arns" {
  description = "Deploy roles keyed by GitHub environment."
  value       = module.github_oidc.deploy_role_arns
}

output "github_oidc_subjects" {
  description = "Exact OIDC sub claim each CI role trusts."
  value       = module.github_oidc.subjects
}

# gitops-bridge: what Argo CD needs to register this cluster and template its add-ons
# (argocd/'s generator turns it into a cluster Secret: metadata as annotations, addons as
# labels). Null without the eks target: there is no cluster to register.
output "gitops_bridge" {
  description = "Argo CD cluster registration of this environment: cluster (name, server, environment), metadata (strings) and addons (enable flags)."
  value = local.eks ? {
    cluster = {
      name        = module.eks[0].cluster_name
      server      = module.eks[0].cluster_endpoint
      environment = var.environment
    }
    metadata = {
      aws_cluster_name                      = module.eks[0].cluster_name
      aws_region                            = var.region
      aws_account_id                        = var.account_id
      aws_vpc_id                            = module.network.vpc_id
      aws_vpc_cidr                          = module.network.vpc_cidr
      environment                           = var.environment
      artifacts_bucket                      = module.artifacts.bucket_name
      artifacts_kms_key_arn                 = module.artifacts.kms_key_arn
      registry_url                          = local.registry
      workload_role_arn                     = module.eks[0].pod_identity_role_arns["workload"]
      workload_namespace                    = var.project
      workload_service_account              = var.project
      aws_load_balancer_controller_role_arn = local.lb_controller ? module.eks[0].pod_identity_role_arns["aws-load-balancer-controller"] : ""
      external_secrets_role_arn             = local.external_secrets ? module.eks[0].pod_identity_role_arns["external-secrets"] : ""
      external_dns_role_arn                 = local.external_dns ? module.eks[0].pod_identity_role_arns["external-dns"] : ""
      # external-dns's --domain-filter; "" without a zone (then external-dns is off).
      dns_zone = var.ingress_certificate == null ? "" : var.ingress_certificate.zone
    }
    addons = {
      enable_aws_load_balancer_controller = local.lb_controller
      enable_metrics_server               = var.addons.metrics_server
      enable_kyverno                      = var.addons.kyverno
      enable_kube_prometheus_stack        = var.addons.kube_prometheus_stack
      enable_external_secrets             = local.external_secrets
      enable_external_dns                 = local.external_dns
    }
  } : null
}

output "load_balancer_controller_role_arn" {
  description = "Pod Identity role of kube-system/aws-load-balancer-controller (null when not used)."
  value       = local.lb_controller ? module.eks[0].pod_identity_role_arns["aws-load-balancer-controller"] : null
}

output "external_secrets_role_arn" {
  description = "Pod Identity role of external-secrets/external-secrets: reads this environment's secrets (null when not used)."
  value       = local.external_secrets ? module.eks[0].pod_identity_role_arns["external-secrets"] : null
}

output "external_dns_role_arn" {
  description = "Pod Identity role of external-dns/external-dns: records in the host's zone (null without a zone or the add-on)."
  value       = local.external_dns ? module.eks[0].pod_identity_role_arns["external-dns"] : null
}

output "cluster_secrets" {
  description = "The cluster's Secrets Manager secrets (values set by a person, docs/day-one.md): name and ARN by key, their prefix and KMS key."
  value = {
    names       = module.cluster_secrets.secret_names
    arns        = module.cluster_secrets.secret_arns
    prefix      = module.cluster_secrets.secret_prefix
    kms_key_arn = module.cluster_secrets.kms_key_arn
  }
}

output "pod_identity_association_ids" {
  description = "Pod Identity associations keyed by role (empty on the emulator)."
  value       = local.eks ? module.eks[0].pod_identity_association_ids : {}
}

output "lambda" {
  description = "The Lambda target: function name, the release's alias and its log group (null without the lambda target)."
  value = local.lambda ? {
    function_name  = module.lambda[0].function_name
    alias_name     = module.lambda[0].alias_name
    alias_arn      = module.lambda[0].alias_arn
    log_group_name = module.lambda[0].log_group_name
    alarm_names    = module.lambda[0].alarm_names
  } : null
}

output "api_gateway" {
  description = "The API Gateway: REST API id, stage URL and routes (null without api_gateway)."
  value = length(module.api) == 0 ? null : {
    rest_api_id = module.api[0].rest_api_id
    invoke_url  = module.api[0].invoke_url
    routes      = module.api[0].routes
  }
}

output "cluster_access_entries" {
  description = "EKS access policy of each principal allowed to call the Kubernetes API (empty on the emulator)."
  value       = local.eks ? module.eks[0].access_entries : {}
}

output "mlflow_tracking_server_arn" {
  description = "The MLflow tracking server's ARN (MLFLOW_TRACKING_URI with the sagemaker-mlflow plugin); null without one."
  value       = one(module.mlflow[*].tracking_server_arn)
}

output "ingress_certificate_arn" {
  description = "ARN of the Ingress host's validated ACM certificate (config/platform.yaml certificate_arn); null without one."
  value       = one(aws_acm_certificate_validation.ingress[*].certificate_arn)
}

output "verification_evidence" {
  description = "The verification evidence store: bucket, this environment's prefix, the Job's role and the promote workflow's reader role."
  value = {
    bucket          = module.artifacts.bucket_name
    prefix          = module.verification_evidence.evidence_prefix
    writer_role_arn = module.verification_evidence.writer_role_arn
    reader_role_arn = module.verification_evidence.reader_role_arn
  }
}
