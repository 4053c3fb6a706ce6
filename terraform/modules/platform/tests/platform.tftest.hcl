# The composition with a mocked provider: what each environment shape creates, the
# gitops_bridge contract, and the inputs it refuses.
mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "111111111111" }
  }
  mock_data "aws_region" {
    defaults = { name = "us-east-1" }
  }
  mock_data "aws_route53_zone" {
    defaults = { zone_id = "Z0123456789EXAMPLE" }
  }
  # Apply-mode mocks: the modules validate ARNs they pass on (ecr, kms, iam).
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:us-east-1:111111111111:key/00000000-0000-0000-0000-000000000000" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::111111111111:role/mock" }
  }
  mock_resource "aws_iam_policy" {
    defaults = { arn = "arn:aws:iam::111111111111:policy/mock" }
  }
  mock_resource "aws_iam_openid_connect_provider" {
    defaults = { arn = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com" }
  }
  mock_resource "aws_ecr_repository" {
    defaults = {
      arn            = "arn:aws:ecr:us-east-1:111111111111:repository/bikeshare"
      repository_url = "111111111111.dkr.ecr.us-east-1.amazonaws.com/bikeshare"
    }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:us-east-1:111111111111:log-group:mock" }
  }
  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::mock" }
  }
  mock_resource "aws_eks_cluster" {
    defaults = {
      arn                   = "arn:aws:eks:us-east-1:111111111111:cluster/mock"
      endpoint              = "https://MOCK.gr7.us-east-1.eks.amazonaws.com"
      identity              = [{ oidc = [{ issuer = "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE" }] }]
      certificate_authority = [{ data = "TU9DSw==" }]
    }
  }
}

variables {
  environment       = "staging"
  account_id        = "111111111111"
  region            = "us-east-1"
  vpc_cidr          = "10.0.0.0/16"
  github_repository = "acme-mlops/bikeshare-gitops"
  # The mocked applies must be torn down: no prevent_destroy here.
  disposable = true
}

run "staging_holds_the_registry_and_registers_its_cluster" {
  command = apply

  assert {
    condition     = output.verification_evidence.prefix == "evidence/staging/" && output.verification_evidence.reader_role_arn != null
    error_message = "the verification Job writes evidence/staging/ in the artifacts bucket"
  }
  assert {
    condition     = length(module.verification_evidence.pod_identity_association_id == null ? [] : [1]) == 1
    error_message = "the verification Job's role is associated with its ServiceAccount in the cluster"
  }

  variables {
    registry_pull_account_ids = ["222222222222"]
  }

  assert {
    condition     = length(module.registry) == 1 && length(module.eks) == 1
    error_message = "Staging (the default shape) has the registry and an EKS cluster."
  }
  assert {
    condition     = module.eks[0].cluster_name == "bikeshare-staging" && output.gitops_bridge.metadata.artifacts_bucket == output.artifacts_bucket_name
    error_message = "Names follow <project>-<environment>; the bridge names the artifacts bucket."
  }
  assert {
    condition     = output.gitops_bridge.cluster.name == "bikeshare-staging" && output.gitops_bridge.cluster.environment == "staging"
    error_message = "gitops_bridge.cluster names the cluster and its environment."
  }
  assert {
    condition = alltrue([for k in [
      "aws_cluster_name", "aws_region", "aws_account_id", "aws_vpc_id", "aws_vpc_cidr", "environment",
      "artifacts_bucket", "registry_url", "workload_role_arn", "aws_load_balancer_controller_role_arn",
      "external_secrets_role_arn", "external_dns_role_arn", "dns_zone",
    ] : contains(keys(output.gitops_bridge.metadata), k)])
    error_message = "gitops_bridge.metadata carries every key the Argo CD generator reads."
  }
  assert {
    condition = keys(output.gitops_bridge.addons) == [
      "enable_aws_load_balancer_controller", "enable_external_dns", "enable_external_secrets",
      "enable_kube_prometheus_stack", "enable_kyverno", "enable_metrics_server",
    ]
    error_message = "gitops_bridge.addons has exactly the six enable flags."
  }
  assert {
    condition     = output.gitops_bridge.metadata.aws_account_id == "111111111111" && output.gitops_bridge.metadata.aws_region == "us-east-1"
    error_message = "gitops_bridge.metadata names the account and region."
  }
  assert {
    condition     = length(module.network.private_subnet_ids) == 2
    error_message = "Two availability zones by default."
  }
  assert {
    condition     = output.gitops_bridge.metadata.aws_load_balancer_controller_role_arn == output.load_balancer_controller_role_arn && output.gitops_bridge.addons.enable_aws_load_balancer_controller
    error_message = "The load balancer controller is on by default, with its role in the bridge."
  }
  assert {
    condition     = toset(keys(output.pod_identity_association_ids)) == toset(["aws-load-balancer-controller", "external-secrets", "kyverno", "workload"])
    error_message = "The controller, Kyverno, the External Secrets Operator and the workload get their AWS permissions through Pod Identity associations (no zone: no external-dns)."
  }
  assert {
    condition = (output.gitops_bridge.metadata.external_secrets_role_arn == output.external_secrets_role_arn
      && output.gitops_bridge.addons.enable_external_secrets
    && !output.gitops_bridge.addons.enable_external_dns && output.gitops_bridge.metadata.dns_zone == "")
    error_message = "The External Secrets Operator is on with its role in the bridge; external-dns is off without a zone."
  }
  assert {
    condition = (output.cluster_secrets.names == {
      alertmanager      = "bikeshare/staging/alertmanager"
      argocd-repo-creds = "bikeshare/staging/argocd-repo-creds"
      github            = "bikeshare/staging/github"
    } && output.cluster_secrets.prefix == "bikeshare/staging/")
    error_message = "The secrets the ExternalSecrets name exist under bikeshare/<environment>/."
  }
  assert {
    condition = (module.eks[0].pod_identity_role_arns["kyverno"] != null
    && module.github_oidc.permissions_boundary_arn != null)
    error_message = "Kyverno's admission controller has a Pod Identity role of its own (ECR read for signatures)."
  }
  assert {
    condition = alltrue([for s in jsondecode(aws_iam_policy.load_balancer_controller[0].policy).Statement :
      s.Resource != "*" || s.Sid == "Read" || s.Sid == "WebAcl" || can(s.Condition)
    ])
    error_message = "Every write in the controller policy is scoped by resource, tag or VPC."
  }
  assert {
    condition     = jsondecode(aws_iam_policy.load_balancer_controller[0].policy).Statement[5].Condition.StringEquals["aws:RequestTag/elbv2.k8s.aws/cluster"] == "bikeshare-staging"
    error_message = "The controller may only create load balancers tagged for this cluster."
  }
}

run "addons_off_means_no_controller_role" {
  command = plan

  variables {
    addons = { aws_load_balancer_controller = false, kyverno = false, external_secrets = false }
  }

  assert {
    condition     = length(aws_iam_policy.load_balancer_controller) == 0 && output.gitops_bridge.metadata.aws_load_balancer_controller_role_arn == ""
    error_message = "Without the controller there is no policy and the bridge says \"\"."
  }
  assert {
    condition = output.gitops_bridge.addons == {
      enable_aws_load_balancer_controller = false, enable_metrics_server = true, enable_kyverno = false,
      enable_kube_prometheus_stack        = true, enable_external_secrets = false, enable_external_dns = false,
    }
    error_message = "gitops_bridge.addons follows the addons flags."
  }
  assert {
    condition     = output.external_secrets_role_arn == null && output.gitops_bridge.metadata.external_secrets_role_arn == "" && length(module.cluster_secrets.secret_names) == 3
    error_message = "Without the operator there is no role, but the secrets are still made."
  }
}

run "prod_pulls_from_the_staging_registry_and_has_no_release_role" {
  command = apply

  variables {
    environment             = "prod"
    account_id              = "222222222222"
    create_registry         = false
    registry_account_id     = "111111111111"
    availability_zone_count = 3
    single_nat_gateway      = false
  }

  override_data {
    target = data.aws_caller_identity.current
    values = { account_id = "222222222222" }
  }

  assert {
    condition     = length(module.registry) == 0 && output.github_release_role_arn == null
    error_message = "Prod has no registry and no release role of its own."
  }
  assert {
    condition     = output.ecr_repository_url == "111111111111.dkr.ecr.us-east-1.amazonaws.com/bikeshare" && output.gitops_bridge.metadata.registry_url == output.ecr_repository_url
    error_message = "Prod pulls from the repository in registry_account_id."
  }
  assert {
    condition     = length(module.network.private_subnet_ids) == 3
    error_message = "Three availability zones when asked for."
  }
  assert {
    condition     = keys(output.github_deploy_role_arns) == ["prod"]
    error_message = "Prod's account has one deploy role, for the GitHub environment prod."
  }
}

run "credentials_of_another_account_are_refused" {
  command = plan

  override_data {
    target = data.aws_caller_identity.current
    values = { account_id = "999999999999" }
  }

  expect_failures = [output.account_id]
}

run "bad_inputs_are_rejected" {
  command = plan

  variables {
    environment        = "Prod-EU"
    account_id         = "1234"
    create_registry    = false
    deployment_targets = ["fargate"]
  }

  expect_failures = [var.environment, var.account_id, var.registry_account_id, var.deployment_targets]
}

run "sagemaker_serves_the_release_file_behind_the_api_gateway" {
  command = plan

  variables {
    deployment_targets = ["eks", "sagemaker"]
    alarms             = {}
    api_gateway = {
      allowed_cidrs = ["203.0.113.0/24"]
      eks_backend = {
        nlb_arn      = "arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/net/bikeshare-staging/0123456789abcdef"
        nlb_dns_name = "internal-bikeshare-staging.elb.us-east-1.amazonaws.com"
      }
    }
  }

  # The model is named after the digest pinned in argocd/bikeshare/overlays/staging/release.
  assert {
    condition     = module.sagemaker[0].model_name == "bikeshare-staging-${substr(split("sha256:", yamldecode(file("../../../argocd/bikeshare/overlays/staging/release/kustomization.yaml")).images[0].digest)[1], 0, 12)}"
    error_message = "The SageMaker model must be the image pinned in the environment's release file."
  }
  assert {
    condition     = length(module.alarms) == 1 && length(module.api) == 1
    error_message = "alarms = {} and api_gateway must each create their module once."
  }
}

run "lambda_serves_the_release_file_behind_the_api_gateway" {
  command = plan

  variables {
    deployment_targets = ["eks", "lambda"]
    alarms             = {}
    api_gateway        = { allowed_cidrs = ["203.0.113.0/24"] }
    lambda             = { reserved_concurrency = 30, provisioned_concurrency = 2 }
  }

  # The function runs the image pinned in argocd/bikeshare/overlays/staging/release, on an
  # alias named after its digest.
  assert {
    condition     = module.lambda[0].alias_name == "release-${substr(split("sha256:", yamldecode(file("../../../argocd/bikeshare/overlays/staging/release/kustomization.yaml")).images[0].digest)[1], 0, 12)}"
    error_message = "The Lambda alias must be the release pinned in the environment's release file."
  }
  assert {
    condition     = length(module.api) == 1 && length(module.sagemaker) == 0 && output.lambda.function_name == "bikeshare-staging"
    error_message = "The lambda target makes the function and its API routes, and nothing of SageMaker."
  }
}

run "lambda_concurrency_out_of_range_is_refused" {
  command = plan

  variables {
    deployment_targets = ["lambda"]
    lambda             = { reserved_concurrency = 5000 }
  }

  expect_failures = [var.lambda]
}

run "no_sagemaker_no_alarms_no_api_by_default" {
  command = plan

  assert {
    condition     = length(module.sagemaker) == 0 && length(module.lambda) == 0 && length(module.alarms) == 0 && length(module.api) == 0
    error_message = "The optional modules must be off unless an environment asks for them."
  }
}

run "day_one_reaches_the_cluster_with_least_privilege" {
  command = plan

  variables {
    cluster_admin_role_arns = ["arn:aws:iam::111111111111:role/platform-admins"]
    bootstrap_api_cidrs     = ["203.0.113.7/32"]
  }

  assert {
    condition = {
      for k, e in module.eks[0].access_entries : k => e
      } == {
      "admin-0"        = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
      "deploy-staging" = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"
    }
    error_message = "The administrators are cluster admins, the deploy role views, and nobody else gets an access entry."
  }
  assert {
    condition     = module.eks[0].public_access_cidrs == tolist(["203.0.113.7/32"])
    error_message = "bootstrap_api_cidrs opens the public endpoint to those CIDRs only."
  }
}

run "the_bootstrap_endpoint_is_never_open_to_all" {
  command = plan

  variables {
    bootstrap_api_cidrs = ["0.0.0.0/0"]
  }

  expect_failures = [var.bootstrap_api_cidrs]
}

run "staging_tracks_models_in_a_managed_mlflow_server" {
  command = plan

  variables {
    mlflow_tracking_server = {}
  }

  assert {
    condition     = length(module.mlflow) == 1 && toset(keys(aws_iam_role_policy_attachment.mlflow_client)) == toset(["release", "workload"])
    error_message = "The release role and the workload use the tracking server through its client policy."
  }
}

run "the_ingress_host_gets_a_dns_validated_certificate" {
  command = plan

  variables {
    ingress_certificate = { host = "bikeshare.staging.example.com", zone = "staging.example.com" }
  }

  assert {
    condition     = aws_acm_certificate.ingress[0].domain_name == "bikeshare.staging.example.com" && aws_acm_certificate.ingress[0].validation_method == "DNS"
    error_message = "The Ingress host gets an ACM certificate validated by DNS."
  }
}

run "external_dns_writes_records_in_the_hosts_zone_only" {
  command = apply

  variables {
    ingress_certificate = { host = "bikeshare.staging.example.com", zone = "staging.example.com" }
  }

  override_resource {
    target = aws_acm_certificate.ingress
    values = {
      arn = "arn:aws:acm:us-east-1:111111111111:certificate/00000000-0000-0000-0000-000000000000"
      domain_validation_options = [{
        domain_name           = "bikeshare.staging.example.com"
        resource_record_name  = "_x.bikeshare.staging.example.com."
        resource_record_type  = "CNAME"
        resource_record_value = "_y.acm-validations.aws."
      }]
    }
  }

  assert {
    condition     = output.gitops_bridge.addons.enable_external_dns && output.gitops_bridge.metadata.dns_zone == "staging.example.com" && output.gitops_bridge.metadata.external_dns_role_arn == output.external_dns_role_arn
    error_message = "With a zone, external-dns is on, with its zone and role in the bridge."
  }
  assert {
    condition     = contains(keys(output.pod_identity_association_ids), "external-dns")
    error_message = "external-dns gets its AWS permissions through a Pod Identity association."
  }
  assert {
    condition = (jsondecode(aws_iam_policy.external_dns[0].policy).Statement[0].Resource == "arn:aws:route53:::hostedzone/Z0123456789EXAMPLE"
    && contains(jsondecode(aws_iam_policy.external_dns[0].policy).Statement[0].Action, "route53:ChangeResourceRecordSets"))
    error_message = "external-dns may change records in the host's zone only."
  }
  assert {
    condition     = jsondecode(aws_iam_policy.external_dns[0].policy).Statement[1].Action == ["route53:ListHostedZones"] && length(jsondecode(aws_iam_policy.external_dns[0].policy).Statement) == 2
    error_message = "Only ListHostedZones, which names no zone, is granted on every resource."
  }
}

run "a_host_outside_its_zone_is_refused" {
  command = plan

  variables {
    ingress_certificate = { host = "bikeshare.example.org", zone = "staging.example.com" }
  }

  expect_failures = [var.ingress_certificate]
}
