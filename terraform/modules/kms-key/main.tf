# One customer-managed KMS key: rotation, deletion window, optional alias, and a key policy
# that lets the account's IAM administer and use it (IAM policies then grant the rest),
# plus, for each given log group, the CloudWatch Logs service (log groups cannot use a key
# whose policy does not name the service).
data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_statement = {
    Sid       = "AccountAdministers"
    Effect    = "Allow"
    Principal = { AWS = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root" }
    Action    = "kms:*"
    Resource  = "*"
  }
  # The encryption-context condition confines the service to the listed groups.
  logs_statement = {
    Sid       = "CloudWatchLogsEncrypts"
    Effect    = "Allow"
    Principal = { Service = "logs.${data.aws_region.current.name}.amazonaws.com" }
    Action    = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    Resource  = "*"
    Condition = {
      ArnLike = { "kms:EncryptionContext:aws:logs:arn" = var.cloudwatch_logs_group_arns }
    }
  }
}

resource "aws_kms_key" "this" {
  description             = var.description
  deletion_window_in_days = var.deletion_window_in_days
  enable_key_rotation     = true
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = concat([local.account_statement], length(var.cloudwatch_logs_group_arns) > 0 ? [local.logs_statement] : [])
  })

  tags = var.tags
}

resource "aws_kms_alias" "this" {
  count = var.alias_name == null ? 0 : 1

  name          = "alias/${var.alias_name}"
  target_key_id = aws_kms_key.this.key_id
}
