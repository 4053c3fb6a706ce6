# The cluster's secrets: made here, filled in by a person (docs/day-one.md), read in the
# cluster by the External Secrets Operator (external-secrets/external-secrets, argocd/addons/
# external-secrets.yaml) through its Pod Identity role (main.tf: pod_identity_roles), which
# may read this environment's secrets only (bikeshare/<environment>/*) and decrypt them only
# through Secrets Manager. The ExternalSecrets that name them: argocd/bootstrap/credentials
# (Argo CD's repository), argocd/bikeshare/base/externalsecret-github.yaml (the namespace's
# GitHub credentials), argocd/addons/monitoring/externalsecret-alertmanager.yaml.
locals {
  external_secrets = local.eks && var.addons.external_secrets
}

module "cluster_secrets" {
  source = "../cluster-secrets"

  name        = local.name
  project     = var.project
  environment = var.environment
  secrets = {
    argocd-repo-creds = "Argo CD's repository credentials, a GitHub App with Contents read (JSON: githubAppID, githubAppInstallationID, githubAppPrivateKey)"
    github            = "GitHub credentials of the bikeshare namespace (JSON: dispatch_token, app_client_id, app_installation_id, app_private_key)"
    alertmanager      = "Alertmanager's receiver keys (JSON: pagerduty_routing_key, slack_webhook_url, autorollback_token)"
  }
  kms_deletion_window_in_days = local.key_days
  recovery_window_in_days     = var.disposable ? 0 : 30
}
