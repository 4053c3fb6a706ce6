# MLflow on AWS (modules/mlflow-tracking): one managed tracking server in the account that
# trains (staging); its client policy goes to the roles that log, register and fetch models.
module "mlflow" {
  source = "../mlflow-tracking"
  count  = var.mlflow_tracking_server == null ? 0 : 1

  name                     = local.name
  environment              = var.environment
  artifacts_bucket_name    = module.artifacts.bucket_name
  artifacts_kms_key_arn    = module.artifacts.kms_key_arn
  size                     = var.mlflow_tracking_server.size
  mlflow_version           = var.mlflow_tracking_server.mlflow_version
  permissions_boundary_arn = local.boundary
}

locals {
  mlflow_clients = var.mlflow_tracking_server == null ? {} : merge(
    var.create_registry ? { release = "${local.name}-github-release" } : {},
    local.eks ? { workload = "${local.name}-workload" } : {},
  )
}

resource "aws_iam_role_policy_attachment" "mlflow_client" {
  for_each = local.mlflow_clients

  role       = each.value
  policy_arn = module.mlflow[0].client_policy_arn

  depends_on = [module.github_oidc, module.eks]
}
