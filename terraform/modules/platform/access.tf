# Reaching the cluster on day one. Access entries, least privilege each:
# - the administrators (cluster_admin_role_arns): cluster admin, for `make argocd-bootstrap`
#   and break-glass; afterwards Argo CD changes the cluster, not people;
# - each deploy role: view only, cluster-wide, so the infra workflow can check the cluster
#   after an apply; it never writes Kubernetes objects (Argo CD does);
# - the plan and release roles: none (plans read AWS APIs; releases write git).
# The bootstrap reaches the private API from bootstrap_api_cidrs (the public endpoint, on only
# while that list is non-empty) or from inside the VPC (SSM, VPN).
locals {
  deploy_envs = coalesce(var.deploy_environments, [var.environment])
  access_entries = merge(
    { for i, arn in var.cluster_admin_role_arns : "admin-${i}" => { principal_arn = arn, policy = "AmazonEKSClusterAdminPolicy", namespaces = [] } },
    { for e in local.deploy_envs : "deploy-${e}" => { principal_arn = module.github_oidc.deploy_role_arns[e], policy = "AmazonEKSViewPolicy", namespaces = [] } },
  )
}
