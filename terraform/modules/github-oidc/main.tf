data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

# An account has one GitHub OIDC provider: reuse it when another root (or a person) made it.
data "aws_iam_openid_connect_provider" "github" {
  count = !var.create_oidc_provider && var.oidc_provider_arn == null ? 1 : 0

  url = "https://${local.issuer}"
}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  tags       = merge(var.tags, { Environment = var.environment })

  issuer = "token.actions.githubusercontent.com"
  oidc_provider_arn = (var.create_oidc_provider ? aws_iam_openid_connect_provider.this[0].arn
  : coalesce(var.oidc_provider_arn, one(data.aws_iam_openid_connect_provider.github[*].arn)))
  region = data.aws_region.current.name

  # Exact subjects, compared with StringEquals: one repository and one environment or branch per role.
  plan_subject    = "repo:${var.repository}:environment:${var.plan_environment}"
  release_subject = "repo:${var.repository}:ref:refs/heads/${var.release_branch}"
  deploy_subjects = { for e in var.deploy_environments : e => "repo:${var.repository}:environment:${e}" }
  intake_subject  = "repo:${var.repository}:environment:${var.intake_environment}"

  plan_data_denials = [
    merge(
      { Sid = "NoObjectContents", Effect = "Deny", Action = ["s3:GetObject", "s3:GetObjectVersion"] },
      var.state_bucket_arn == null ? { Resource = "*" } : { NotResource = "${var.state_bucket_arn}/*" },
    ),
    {
      Sid    = "NoOtherData"
      Effect = "Deny"
      Action = [
        "secretsmanager:GetSecretValue",
        "ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath", "ssm:GetParameterHistory",
        "logs:GetLogEvents", "logs:FilterLogEvents", "logs:StartQuery", "logs:GetQueryResults",
        "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer",
        "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan",
        "sqs:ReceiveMessage", "kinesis:GetRecords", "athena:GetQueryResults",
      ]
      Resource = "*"
    },
  ]

  # A placeholder keeps the expressions typed when there is no state bucket; the filter
  # below then drops every statement.
  state_arn = coalesce(var.state_bucket_arn, "arn:${local.partition}:s3:::none")
  state_key_condition = var.state_kms_key_arn != null ? {} : {
    # Without the key's ARN, its alias (the bucket's name, modules/s3-bucket) names it.
    "ForAnyValue:StringEquals" = { "kms:ResourceAliases" = "alias/${element(split(":", local.state_arn), 5)}" }
  }
  state_statements = [for s in local.all_state_statements : s if var.state_bucket_arn != null]
  all_state_statements = [
    {
      Sid      = "ListState"
      Effect   = "Allow"
      Action   = ["s3:ListBucket"]
      Resource = local.state_arn
    },
    {
      Sid      = "ReadState"
      Effect   = "Allow"
      Action   = ["s3:GetObject"]
      Resource = "${local.state_arn}/*"
    },
    {
      # Native S3 locking (use_lockfile) writes and deletes KEY.tflock, even for a plan.
      Sid      = "LockState"
      Effect   = "Allow"
      Action   = ["s3:PutObject", "s3:DeleteObject"]
      Resource = "${local.state_arn}/*.tflock"
    },
    {
      # The state is SSE-KMS with a customer-managed key (modules/state): reading it needs
      # Decrypt, writing the lock file GenerateDataKey. Only through S3, only for this bucket
      # (bucket keys make the bucket ARN the encryption context), only the state's key.
      Sid      = "DecryptState"
      Effect   = "Allow"
      Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
      Resource = coalesce(var.state_kms_key_arn, "arn:${local.partition}:kms:${local.region}:${local.account_id}:key/*")
      Condition = jsondecode(jsonencode(merge({
        StringEquals = { "kms:ViaService" = "s3.${local.region}.amazonaws.com" }
        StringLike   = { "kms:EncryptionContext:aws:s3:arn" = [local.state_arn, "${local.state_arn}/*"] }
      }, local.state_key_condition)))
    },
  ]
}

resource "aws_iam_openid_connect_provider" "this" {
  count = var.create_oidc_provider ? 1 : 0

  url             = "https://${local.issuer}"
  client_id_list  = ["sts.amazonaws.com"]
  thumbprint_list = var.oidc_thumbprints

  tags = local.tags
}

# ---- plan: read-only, for pull-request plans -------------------------------------------

resource "aws_iam_role" "plan" {
  name                 = "${var.name_prefix}-github-plan"
  description          = "terraform plan from ${local.plan_subject}"
  max_session_duration = var.max_session_duration
  assume_role_policy   = jsonencode(local.trust_policies.plan)
  permissions_boundary = aws_iam_policy.boundary.arn

  tags = local.tags
}

resource "aws_iam_role_policy_attachment" "plan_read_only" {
  role       = aws_iam_role.plan.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/ReadOnlyAccess"
}

# ReadOnlyAccess also reads data: object contents, secrets, parameters, log events, image
# layers, table items, messages. A plan reads configuration, not data, and runs code from
# pull requests: deny the data, except the state objects the plan must read.
resource "aws_iam_role_policy" "plan_no_data" {
  name   = "deny-reading-data"
  role   = aws_iam_role.plan.id
  policy = jsonencode({ Version = "2012-10-17", Statement = local.plan_data_denials })
}

resource "aws_iam_role_policy" "plan_state" {
  count = var.state_bucket_arn == null ? 0 : 1

  name   = "terraform-state-read-and-lock"
  role   = aws_iam_role.plan.id
  policy = jsonencode({ Version = "2012-10-17", Statement = local.state_statements })
}

# ---- release: push images, write artifacts, from the release branch only ---------------

resource "aws_iam_role" "release" {
  count = var.create_release_role ? 1 : 0

  name                 = "${var.name_prefix}-github-release"
  description          = "image and artifact release from ${local.release_subject}"
  max_session_duration = var.max_session_duration
  assume_role_policy   = jsonencode(local.trust_policies.release)
  permissions_boundary = aws_iam_policy.boundary.arn

  tags = local.tags
}

resource "aws_iam_role_policy" "release_ecr" {
  count = var.create_release_role ? 1 : 0

  name = "push-images"
  role = aws_iam_role.release[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        # GetAuthorizationToken has no resource-level permissions: AWS only accepts "*".
        Sid      = "RegistryLogin"
        Effect   = "Allow"
        Action   = ["ecr:GetAuthorizationToken"]
        Resource = "*"
      },
      {
        Sid    = "PushToOneRepository"
        Effect = "Allow"
        Action = [
          "ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:CompleteLayerUpload",
          "ecr:DescribeImages", "ecr:GetDownloadUrlForLayer", "ecr:InitiateLayerUpload",
          "ecr:PutImage", "ecr:UploadLayerPart",
        ]
        Resource = var.ecr_repository_arn
      },
    ]
  })
}

resource "aws_iam_role_policy_attachment" "release" {
  for_each = var.create_release_role ? var.release_policy_arns : {}

  role       = aws_iam_role.release[0].name
  policy_arn = each.value
}

# ---- intake: the landing prefix of the artifacts bucket, from the intake environment ----

# The intake workflow (intake/landing.py) lists landing/, reads landing/<YYYY-MM>.csv and
# records each outcome in landing/_state/<YYYY-MM>.json. Nothing else: not the data, models,
# scores or evidence beside it, not the registry, not the state.
locals {
  intake_bucket = coalesce(var.intake_bucket_arn, "arn:${local.partition}:s3:::none")
  intake_statements = [
    {
      Sid       = "ListLanding"
      Effect    = "Allow"
      Action    = ["s3:ListBucket"]
      Resource  = local.intake_bucket
      Condition = { StringLike = { "s3:prefix" = ["${var.intake_prefix}*"] } }
    },
    {
      Sid      = "ReadLanding"
      Effect   = "Allow"
      Action   = ["s3:GetObject"]
      Resource = "${local.intake_bucket}/${var.intake_prefix}*"
    },
    {
      Sid      = "RecordOutcomes"
      Effect   = "Allow"
      Action   = ["s3:PutObject"]
      Resource = "${local.intake_bucket}/${var.intake_prefix}_state/*"
    },
    {
      # SSE-KMS with the bucket's key: Decrypt to read, GenerateDataKey to write. Only through
      # S3, only for this bucket (bucket keys make the bucket ARN the encryption context).
      Sid      = "UseBucketKey"
      Effect   = "Allow"
      Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
      Resource = coalesce(var.intake_kms_key_arn, "arn:${local.partition}:kms:${local.region}:${local.account_id}:key/none")
      Condition = {
        StringEquals = { "kms:ViaService" = "s3.${local.region}.amazonaws.com" }
        StringLike   = { "kms:EncryptionContext:aws:s3:arn" = [local.intake_bucket, "${local.intake_bucket}/${var.intake_prefix}*"] }
      }
    },
  ]
}

resource "aws_iam_role" "intake" {
  count = var.create_intake_role ? 1 : 0

  name                 = "${var.name_prefix}-github-intake"
  description          = "landing prefix of the artifacts bucket, from ${local.intake_subject}"
  max_session_duration = var.max_session_duration
  assume_role_policy   = jsonencode(local.trust_policies.intake)
  permissions_boundary = aws_iam_policy.boundary.arn

  tags = local.tags
}

resource "aws_iam_role_policy" "intake" {
  count = var.create_intake_role ? 1 : 0

  name   = "read-landing"
  role   = aws_iam_role.intake[0].id
  policy = jsonencode({ Version = "2012-10-17", Statement = local.intake_statements })
}

# ---- deploy: terraform apply per GitHub environment (with its protection rules) --------

resource "aws_iam_role" "deploy" {
  for_each = local.deploy_subjects

  name                 = "${var.name_prefix}-github-deploy-${each.key}"
  description          = "terraform apply from ${each.value}"
  max_session_duration = var.max_session_duration
  assume_role_policy   = jsonencode(local.trust_policies["deploy-${each.key}"])
  # The deploy role lives under the boundary it imposes on every role it makes (boundary.tf).
  permissions_boundary = aws_iam_policy.boundary.arn

  tags = local.tags
}

resource "aws_iam_role_policy_attachment" "deploy" {
  for_each = { for pair in setproduct(var.deploy_environments, var.deploy_policy_arns) : "${pair[0]}/${pair[1]}" => pair }

  role       = aws_iam_role.deploy[each.value[0]].name
  policy_arn = each.value[1]
}

# PowerUserAccess excludes IAM; allow IAM only on this project's own names.
resource "aws_iam_role_policy" "deploy_iam" {
  for_each = aws_iam_role.deploy

  name = "project-iam"
  role = each.value.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [{
        Sid    = "ProjectIam"
        Effect = "Allow"
        Action = ["iam:*"]
        Resource = [
          "arn:${local.partition}:iam::${local.account_id}:role/${var.name_prefix}-*",
          "arn:${local.partition}:iam::${local.account_id}:policy/${var.name_prefix}-*",
          "arn:${local.partition}:iam::${local.account_id}:oidc-provider/*",
        ]
      }],
      [for s in local.state_statements : merge(s, { Sid = "${s.Sid}Write", Action = s.Sid == "ReadState" ? ["s3:GetObject", "s3:PutObject"] : s.Action })],
    )
  })
}

locals {
  trust_policies = {
    for role, subject in merge(
      { plan = local.plan_subject, release = local.release_subject },
      var.create_intake_role ? { intake = local.intake_subject } : {},
      { for e, s in local.deploy_subjects : "deploy-${e}" => s },
      ) : role => {
      Version = "2012-10-17"
      Statement = [{
        Effect    = "Allow"
        Principal = { Federated = local.oidc_provider_arn }
        Action    = "sts:AssumeRoleWithWebIdentity"
        Condition = {
          StringEquals = {
            "${local.issuer}:aud" = "sts.amazonaws.com"
            "${local.issuer}:sub" = subject
          }
        }
      }]
    }
  }
}
