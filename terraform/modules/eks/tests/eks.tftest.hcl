mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_region" {
    defaults = { name = "us-east-1" }
  }
  mock_resource "aws_eks_cluster" {
    defaults = {
      arn                   = "arn:aws:eks:us-east-1:123456789012:cluster/bikeshare-test"
      identity              = [{ oidc = [{ issuer = "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE" }] }]
      certificate_authority = [{ data = "TU9DSw==" }]
    }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/mock" }
  }
  mock_resource "aws_iam_openid_connect_provider" {
    defaults = { arn = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE" }
  }
}

variables {
  name        = "bikeshare-test"
  environment = "staging"
  subnet_ids  = ["subnet-a", "subnet-b"]
  service_account_roles = {
    workload = {
      namespace       = "bikeshare"
      service_account = "bikeshare"
      policy_arns     = { artifacts = "arn:aws:iam::123456789012:policy/artifacts" }
    }
  }
}

run "cluster_is_private_encrypted_and_logged" {
  command = plan

  assert {
    condition     = aws_eks_cluster.this.vpc_config[0].endpoint_public_access == false && aws_eks_cluster.this.vpc_config[0].endpoint_private_access == true
    error_message = "The API endpoint must be private by default."
  }
  assert {
    condition     = aws_eks_cluster.this.encryption_config[0].resources == toset(["secrets"])
    error_message = "Kubernetes secrets must be envelope-encrypted with KMS."
  }
  assert {
    condition     = length(aws_eks_cluster.this.enabled_cluster_log_types) == 5
    error_message = "All five control-plane log types must be enabled by default."
  }
  assert {
    condition = jsondecode(module.kms_key.key_policy).Statement[1].Condition.ArnLike == {
      "kms:EncryptionContext:aws:logs:arn" = ["arn:aws:logs:us-east-1:123456789012:log-group:/aws/eks/bikeshare-test/cluster"]
    }
    error_message = "The cluster key must let CloudWatch Logs encrypt the control-plane log group, and only that group."
  }
}

# The key ARN is known only after apply (mocked): checked in an apply run.
run "secrets_and_logs_use_the_cluster_key" {
  command = apply

  assert {
    condition     = aws_cloudwatch_log_group.this.kms_key_id == module.kms_key.key_arn && aws_eks_cluster.this.encryption_config[0].provider[0].key_arn == module.kms_key.key_arn
    error_message = "Secrets and control-plane logs must be encrypted with the cluster key."
  }
  assert {
    condition     = output.kms_key_arn == "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000"
    error_message = "Output kms_key_arn must stay the cluster key's ARN."
  }
}

run "irsa_role_trusts_exactly_one_service_account" {
  command = apply

  assert {
    condition = jsondecode(aws_iam_role.service_account["workload"].assume_role_policy).Statement[0].Condition.StringEquals == {
      "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE:sub" = "system:serviceaccount:bikeshare:bikeshare"
      "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE:aud" = "sts.amazonaws.com"
    }
    error_message = "The IRSA trust policy must pin sub to system:serviceaccount:bikeshare:bikeshare and aud to STS."
  }
  assert {
    condition     = aws_iam_role_policy_attachment.service_account["workload/artifacts"].policy_arn == "arn:aws:iam::123456789012:policy/artifacts"
    error_message = "The workload role must get the policies it was given."
  }
  assert {
    condition     = aws_iam_openid_connect_provider.this.url == "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE"
    error_message = "The IAM OIDC provider must point at the cluster's issuer."
  }
}

# Each invalid input fails its own validation (terraform test checks every listed one failed).
run "rejects_bad_inputs" {
  command = plan

  variables {
    environment            = "q-a"
    endpoint_public_access = true
    public_access_cidrs    = ["0.0.0.0/0"]
    node_group             = { min_size = 3, desired_size = 2, max_size = 4 }
    service_account_roles = {
      any = { namespace = "bikeshare", service_account = "*", policy_arns = {} }
    }
  }

  expect_failures = [var.environment, var.public_access_cidrs, var.node_group, var.service_account_roles]
}

run "pod_identity_roles_trust_one_service_account_on_this_cluster" {
  command = plan

  variables {
    pod_identity_roles = {
      controller = {
        namespace       = "kube-system"
        service_account = "aws-load-balancer-controller"
        policy_arns     = { controller = "arn:aws:iam::123456789012:policy/controller" }
      }
    }
  }

  assert {
    condition = jsondecode(aws_iam_role.pod_identity["controller"].assume_role_policy).Statement[0].Condition.StringEquals == {
      "aws:RequestTag/eks-cluster-name"           = "bikeshare-test"
      "aws:RequestTag/kubernetes-namespace"       = "kube-system"
      "aws:RequestTag/kubernetes-service-account" = "aws-load-balancer-controller"
    }
    error_message = "A Pod Identity role must trust exactly one namespace/service account on this cluster."
  }
  assert {
    condition     = jsondecode(aws_iam_role.pod_identity["controller"].assume_role_policy).Statement[0].Principal == { Service = "pods.eks.amazonaws.com" }
    error_message = "Pod Identity roles trust the EKS Pod Identity service principal only."
  }
  assert {
    condition     = aws_eks_pod_identity_association.this["controller"].namespace == "kube-system" && aws_eks_pod_identity_association.this["controller"].service_account == "aws-load-balancer-controller"
    error_message = "Each Pod Identity role is associated with its service account."
  }
  assert {
    condition     = aws_eks_addon.pod_identity_agent[0].addon_name == "eks-pod-identity-agent"
    error_message = "The Pod Identity agent add-on must be installed."
  }
  assert {
    condition     = aws_eks_addon.vpc_cni[0].addon_name == "vpc-cni" && jsondecode(aws_eks_addon.vpc_cni[0].configuration_values) == { enableNetworkPolicy = "true" }
    error_message = "The VPC CNI must run its network-policy agent, or NetworkPolicies are enforced by nobody."
  }
}

run "the_cluster_role_uses_its_secrets_key_and_roles_carry_the_boundary" {
  command = plan

  variables {
    permissions_boundary_arn = "arn:aws:iam::123456789012:policy/bikeshare-test-boundary"
    pod_identity_roles = {
      workload = { namespace = "bikeshare", service_account = "bikeshare", policy_arns = {} }
    }
  }

  assert {
    condition = jsondecode(aws_iam_role_policy.cluster_encryption.policy).Statement[0] == {
      Sid      = "UseTheSecretsKey"
      Effect   = "Allow"
      Action   = ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"]
      Resource = module.kms_key.key_arn
    }
    error_message = "The cluster role must be granted its secrets-encryption key, and only that key."
  }
  assert {
    condition = alltrue([for r in concat([aws_iam_role.cluster, aws_iam_role.node], values(aws_iam_role.pod_identity)) :
    r.permissions_boundary == "arn:aws:iam::123456789012:policy/bikeshare-test-boundary"])
    error_message = "Every role of the cluster carries the permissions boundary."
  }
}

run "without_the_pod_identity_api_roles_stay_and_associations_go" {
  command = plan

  variables {
    create_pod_identity_associations = false
    pod_identity_roles = {
      workload = { namespace = "bikeshare", service_account = "bikeshare", policy_arns = {} }
    }
  }

  assert {
    condition     = length(aws_iam_role.pod_identity) == 1 && length(aws_eks_pod_identity_association.this) == 0 && length(aws_eks_addon.pod_identity_agent) == 0
    error_message = "create_pod_identity_associations = false keeps the roles and drops add-on and associations."
  }
}

run "access_entries_name_one_policy_each" {
  command = plan

  variables {
    access_entries = {
      admin  = { principal_arn = "arn:aws:iam::123456789012:role/admins", policy = "AmazonEKSClusterAdminPolicy" }
      viewer = { principal_arn = "arn:aws:iam::123456789012:role/ci", policy = "AmazonEKSViewPolicy", namespaces = ["bikeshare"] }
    }
  }

  assert {
    condition     = aws_eks_access_policy_association.this["viewer"].access_scope[0].type == "namespace" && aws_eks_access_policy_association.this["admin"].access_scope[0].type == "cluster"
    error_message = "An entry with namespaces is limited to them; one without is cluster-wide."
  }
  assert {
    condition     = aws_eks_cluster.this.access_config[0].authentication_mode == "API" && !aws_eks_cluster.this.access_config[0].bootstrap_cluster_creator_admin_permissions
    error_message = "Access entries only, and no implicit admin for whoever created the cluster."
  }
}

run "access_entries_refuse_wildcards_and_unknown_policies" {
  command = plan

  variables {
    access_entries = {
      any = { principal_arn = "arn:aws:iam::123456789012:role/*", policy = "AmazonEKSSuperPolicy" }
    }
  }

  expect_failures = [var.access_entries]
}
