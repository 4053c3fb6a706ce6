# The cluster's secrets in AWS Secrets Manager, and who may read them: the External Secrets
# Operator (Pod Identity role made by modules/eks, this module's read policy attached) copies
# them into Kubernetes Secrets through ExternalSecrets (argocd/). Terraform makes each secret
# and its key, never its value: a person puts the value in on day one (docs/day-one.md), so
# no secret value is ever in git, in a tfvars file or in the Terraform state.
data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  prefix     = "${var.project}/${var.environment}/"
  secret_arn = "arn:${data.aws_partition.current.partition}:secretsmanager:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:secret"
  tags       = merge(var.tags, { Environment = var.environment, Component = "cluster-secrets" })
}

# One key for this environment's secrets: the reader may decrypt with it only through
# Secrets Manager (kms:ViaService), so the grant reads nothing else encrypted with it.
module "kms_key" {
  source = "../kms-key"

  description             = "${var.name} cluster secrets (Secrets Manager)"
  alias_name              = "${var.name}-secrets"
  deletion_window_in_days = var.kms_deletion_window_in_days
  tags                    = local.tags
}

resource "aws_secretsmanager_secret" "this" {
  for_each = var.secrets
  #checkov:skip=CKV2_AWS_57:The values are credentials of third parties (a GitHub App key, PagerDuty and Slack keys) that a person rotates at their source and puts here (docs/day-one.md); there is no rotation Lambda that could issue them.

  name                    = "${local.prefix}${each.key}"
  description             = each.value
  kms_key_id              = module.kms_key.key_arn
  recovery_window_in_days = var.recovery_window_in_days

  tags = local.tags
}

# What the External Secrets Operator may do: read this environment's secrets (by name
# prefix), and decrypt with their key through Secrets Manager. Nothing else: not another
# environment's secrets, not the account's other secrets, no list, no write.
resource "aws_iam_policy" "read" {
  name        = "${var.name}-external-secrets-read"
  description = "Read the secrets under ${local.prefix} (External Secrets Operator of ${var.name})."
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ReadThisEnvironmentsSecrets"
        Effect   = "Allow"
        Action   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
        Resource = "${local.secret_arn}:${local.prefix}*"
      },
      {
        Sid       = "DecryptThroughSecretsManager"
        Effect    = "Allow"
        Action    = ["kms:Decrypt"]
        Resource  = module.kms_key.key_arn
        Condition = { StringEquals = { "kms:ViaService" = "secretsmanager.${data.aws_region.current.name}.amazonaws.com" } }
      },
    ]
  })

  tags = local.tags
}
